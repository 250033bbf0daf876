"""Simulated hosts over real SSH: xm list, pause, unpause, errors, as the real xm answers them."""

from __future__ import annotations

import asyncio
import shutil
import subprocess

import asyncssh
import pytest

from tests.lab.helpers import assert_one_guest, root_conn, ssh
from tests.need import missing
from xentui.config import load_config

XM_303_HEADER = "Name                                      ID Mem(MiB) VCPUs State   Time(s)"


async def test_xm_list_on_both_hosts(lab) -> None:
    one = await ssh(lab, "xen_host_1", "xm list")
    two = await ssh(lab, "xen_host_2", "xm list")
    assert one.exit_status == two.exit_status == 0
    lines = one.stdout.splitlines()
    assert lines[0] == XM_303_HEADER
    assert lines[1].startswith("Domain-0                                   0      491     1 r-----")
    assert lines[2].startswith("virt_server                                3      128     1 -b----")
    assert [ln.split()[0] for ln in two.stdout.splitlines()[1:]] == ["Domain-0"]
    assert lab.where_is_guest() == "xen_host_1"


async def test_pause_unpause_halts_and_resumes_the_stream(lab) -> None:
    r = await ssh(lab, "xen_host_1", "xm pause virt_server")
    assert (r.exit_status, r.stdout, r.stderr) == (0, "", "")
    listed = await ssh(lab, "xen_host_1", "xm list virt_server")
    assert listed.stdout.splitlines()[1].split()[4] == "--p---"
    again = await ssh(lab, "xen_host_1", "xm pause virt_server")  # xend: silent success
    assert (again.exit_status, again.stderr) == (0, "")
    assert lab.guest.stream.halted
    r = await ssh(lab, "xen_host_1", "xm unpause virt_server")
    assert r.exit_status == 0
    assert not lab.guest.stream.halted
    halts = lab.ground_truth.halts
    assert len(halts) == 1 and "paused" in halts[0].why and halts[0].t_resume is not None
    assert_one_guest(lab)


@pytest.mark.parametrize(
    ("command", "rc", "stderr", "stdout_start"),
    [
        (
            "xm pause virt_sever",
            1,
            "Error: Domain 'virt_sever' does not exist.\n",
            "Usage: xm pause",
        ),
        ("xm unpause nosuch", 1, "Error: Domain 'nosuch' does not exist.\n", "Usage: xm unpause"),
        ("xm pause", 1, "Error: 'xm pause' requires 1 argument.\n\n", "Usage: xm pause <Domain>"),
        ("xm pause Domain-0", 1, "Error: Cannot pause privileged domain Domain-0\n", "Usage"),
        ("xm frob", 1, "Error: Subcommand frob not found!\n", "Usage: xm <subcommand>"),
        ("frob --now", 127, "bash: frob: command not found\n", ""),
        ("xl list", 127, "bash: xl: command not found\n", ""),
    ],
)
async def test_bad_input_gets_the_real_text(lab, command, rc, stderr, stdout_start) -> None:
    r = await ssh(lab, "xen_host_1", command)
    assert (r.exit_status, r.stderr) == (rc, stderr)
    assert r.stdout.startswith(stdout_start)
    assert_one_guest(lab)


@pytest.mark.parametrize(
    ("version", "header"),
    [
        ("3.0.2", "Name                              ID Mem(MiB) VCPUs State  Time(s)"),
        ("3.1", "Name                                      ID   Mem VCPUs      State   Time(s)"),
        ("4.4", "Name                                        ID   Mem VCPUs      State   Time(s)"),
    ],
)
async def test_xm_list_layout_follows_the_version(lab_factory, version, header) -> None:
    lab = await lab_factory(xm_version=version)
    r = await ssh(lab, "xen_host_1", "xm list")
    assert r.stdout.splitlines()[0] == header


async def test_old_xm_unknown_domain_text(lab_factory) -> None:
    lab = await lab_factory(xm_version="3.0.0")
    r = await ssh(lab, "xen_host_1", "xm pause virt_sever")
    assert r.stderr == "Error: Domain 'virt_sever' not found when running 'xm pause'\n"
    assert r.stdout == ""


async def test_xl_host(lab_factory) -> None:
    lab = await lab_factory(toolstack="xl")
    r = await ssh(lab, "xen_host_1", "xl list")
    assert (
        r.stdout.splitlines()[0]
        == "Name                                        ID   Mem VCPUs\tState\tTime(s)"
    )
    row = r.stdout.splitlines()[2]
    assert row.startswith("virt_server".ljust(40) + "     3   128     1     -b----  ")
    bad = await ssh(lab, "xen_host_1", "xl pause virt_sever")
    assert (bad.exit_status, bad.stderr) == (
        1,
        "virt_sever is an invalid domain identifier (rc=-6)\n",
    )
    # Xen 4.5+ counts pauses: two pauses need two unpauses.
    for _ in range(2):
        assert (await ssh(lab, "xen_host_1", "xl pause virt_server")).exit_status == 0
    await ssh(lab, "xen_host_1", "xl unpause virt_server")
    assert lab.guest.stream.halted
    await ssh(lab, "xen_host_1", "xl unpause virt_server")
    assert not lab.guest.stream.halted
    extra = await ssh(lab, "xen_host_1", "xl unpause virt_server")
    assert extra.exit_status == 0 and "Unpausing domain: Invalid argument" in extra.stderr
    dash_l = await ssh(lab, "xen_host_1", "xl migrate -l virt_server xen_host_2")
    assert (dash_l.exit_status, dash_l.stderr) == (2, "option `l' not supported.\n")
    assert_one_guest(lab)


async def test_only_the_client_key_is_accepted(lab, tmp_path) -> None:
    other = asyncssh.generate_private_key("ssh-ed25519")
    with pytest.raises(asyncssh.PermissionDenied):
        async with asyncssh.connect(
            "127.0.0.1",
            lab.ssh_port("xen_host_1"),
            username="root",
            client_keys=[other],
            known_hosts=str(lab.known_hosts_path),
            password="root",
        ):
            pass


async def test_lab_file_loads_and_matches(lab) -> None:
    config = load_config(lab.config_path)
    assert config == lab.config
    assert [h.name for h in config.hosts] == lab.host_names
    assert config.hosts[1].ssh.port == lab.ssh_port("xen_host_2")
    assert config.guest.stream_url == lab.guest_url
    assert config.guest.ssh is not None and config.guest.ssh.port == lab.ssh_port("virt_server")


async def test_stop_and_start_host_keeps_port_and_key(lab) -> None:
    port = lab.ssh_port("xen_host_2")
    await lab.stop_host("xen_host_2")
    with pytest.raises(OSError):
        await ssh(lab, "xen_host_2", "xm list")
    await lab.start_host("xen_host_2")
    assert lab.ssh_port("xen_host_2") == port
    assert (await ssh(lab, "xen_host_2", "xm list")).exit_status == 0  # same key: known_hosts ok


async def test_real_openssh_client(lab) -> None:
    if shutil.which("ssh") is None:
        missing("OpenSSH client not installed (apt-get install openssh-client)")
    argv = [
        "ssh",
        "-p",
        str(lab.ssh_port("xen_host_1")),
        "-i",
        str(lab.client_key_path),
        "-o",
        f"UserKnownHostsFile={lab.known_hosts_path}",
        "-o",
        "StrictHostKeyChecking=yes",
        "-o",
        "BatchMode=yes",
        "-o",
        "IdentitiesOnly=yes",
        "-F",
        "/dev/null",
        "root@127.0.0.1",
        "xm",
        "list",
    ]
    proc = await asyncio.create_subprocess_exec(
        *argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    out, err = await asyncio.wait_for(proc.communicate(), 20)
    assert proc.returncode == 0, err.decode()
    assert out.decode().splitlines()[0] == XM_303_HEADER
    assert "virt_server" in out.decode()


async def test_interactive_session_runs_lines(lab) -> None:
    async with root_conn(lab, "xen_host_1") as conn:
        result = await conn.run(input="xm list\nhostname\nexit\n")
    assert "[root@xen_host_1 ~]# " in result.stdout
    assert XM_303_HEADER in result.stdout and "xen_host_1\n" in result.stdout


async def test_twenty_hosts_answer(lab_factory) -> None:
    lab = await lab_factory(hosts=20)
    assert lab.host_names[-1] == "xen_host_20"
    results = await asyncio.gather(*(ssh(lab, n, "xm list") for n in lab.host_names))
    assert all(r.exit_status == 0 for r in results)
    assert sum("virt_server" in r.stdout for r in results) == 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"hosts": 0}, "at least one host"),
        ({"xm_version": "5.0"}, "xm_version '5.0'"),
        ({"toolstack": "virsh"}, "toolstack 'virsh'"),
    ],
)
async def test_bad_options_are_refused_in_one_line(lab_factory, kwargs, message) -> None:
    with pytest.raises(ValueError, match=message):
        await lab_factory(**kwargs)


async def test_a_failed_start_removes_its_temp_dir() -> None:
    from xentui.lab import Lab, LabOptions
    from xentui.lab.streaming.media import MediaError

    lab = Lab(LabOptions(media="bogus"))
    with pytest.raises(MediaError, match="unknown media kind 'bogus'"):
        await lab.start()
    assert lab.workdir is not None
    assert not lab.workdir.exists()


async def test_close_leaves_no_tasks_and_frees_ports(tmp_path) -> None:
    import socket

    from xentui.lab import Lab, LabOptions

    lab = Lab(LabOptions(transfer_mib=4.0), workdir=tmp_path)
    await lab.start()
    ports = [lab.ssh_port(n) for n in lab.host_names]
    guest = (lab.guest.ip, lab.guest.stream_port)
    reader, writer = await asyncio.open_connection(*guest)
    writer.write(b"GET /TruthHappens.ogg HTTP/1.0\r\n\r\n")
    await reader.read(100)
    mig = asyncio.create_task(ssh(lab, "xen_host_1", "xm migrate -l virt_server xen_host_2"))
    while lab.incoming is None:
        await asyncio.sleep(0.005)
    await lab.close()
    mig.cancel()
    writer.close()
    await asyncio.sleep(0.05)
    leftover = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    assert leftover == []
    for port in ports:
        with socket.socket() as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("127.0.0.1", port))
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(guest)
