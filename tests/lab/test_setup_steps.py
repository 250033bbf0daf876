"""A fresh lab starts where the seed's preparation begins; each step is repaired by typing it."""

from __future__ import annotations

import asyncio

from tests.lab.helpers import assert_one_guest, ssh
from xentui.lab.xen.files import ready_xend_config, shipped_xend_config

EXPORT_LINE = "/xen *(rw,sync,no_root_squash)\n"


async def test_fresh_lab_is_unprepared(lab_factory) -> None:
    lab = await lab_factory(fresh=True)
    sxp = (await ssh(lab, "xen_host_1", "cat /etc/xen/xend-config.sxp")).stdout
    assert "(xend-relocation-hosts-allow '^localhost$ ^localhost\\\\.localdomain$')" in sxp
    assert "\n#(xend-relocation-port 8002)\n" in sxp or "(xend-relocation-port " in sxp
    assert (await ssh(lab, "xen_host_1", "cat /etc/exports")).stdout == ""
    guest_cfg = (await ssh(lab, "xen_host_1", "cat /etc/xen/virt_server")).stdout
    assert "\nvnc=1\nvncunused=1\n" in guest_cfg and "sdl=1" not in guest_cfg
    listed = (await ssh(lab, "xen_host_1", "xm list")).stdout.splitlines()
    assert [ln.split()[0] for ln in listed[1:]] == ["Domain-0"]
    assert " on /xen " not in (await ssh(lab, "xen_host_2", "mount")).stdout
    assert (await ssh(lab, "xen_host_1", "exportfs -v")).stdout == ""
    assert lab.where_is_guest() is None
    assert_one_guest(lab)


async def test_shipped_and_ready_xend_config_texts() -> None:
    shipped = shipped_xend_config("3.0.3")
    assert "#(xend-relocation-server no)\n(xend-relocation-server yes)\n" in shipped
    assert "Xen-API" not in shipped and "#(logfile /var/log/xend.log)" in shipped
    assert "Xen-API" in shipped_xend_config("3.0.4")
    assert "(xend-relocation-address localhost)" in shipped_xend_config("3.0.0")
    ready = ready_xend_config("3.0.3")
    assert "(xend-relocation-hosts-allow '')\n" in ready
    assert "(xend-relocation-port 8002)\n" in ready
    assert "(xend-relocation-address '')\n" in ready


async def test_nfs_steps_repair_the_shared_storage(lab_factory) -> None:
    lab = await lab_factory(fresh=True)
    before = await ssh(lab, "xen_host_2", "mount xen_host_1:/xen /xen")
    assert before.exit_status == 32
    assert "RPC Error: Program not registered" in before.stderr
    backup = await ssh(lab, "xen_host_1", "cp /etc/exports /etc/exports.orig && ls /etc")
    assert "exports.orig" in backup.stdout
    await ssh(lab, "xen_host_1", "cat > /etc/exports", input=EXPORT_LINE)
    restart = await ssh(lab, "xen_host_1", "sudo service nfs restart")
    assert "Starting NFS daemon:" in restart.stdout and restart.exit_status == 0
    await ssh(lab, "xen_host_1", "chkconfig nfs on")
    levels = (await ssh(lab, "xen_host_1", "chkconfig --list nfs")).stdout
    assert levels == "nfs            \t0:off\t1:off\t2:on\t3:on\t4:on\t5:on\t6:off\n"
    listed = (await ssh(lab, "xen_host_1", "exportfs -v")).stdout
    assert listed == "/xen          \t<world>(rw,wdelay,no_root_squash)\n"
    ok = await ssh(lab, "xen_host_2", "mount xen_host_1:/xen /xen")
    assert (ok.exit_status, ok.stderr) == (0, "")
    assert "xen_host_1:/xen on /xen type nfs" in (await ssh(lab, "xen_host_2", "mount")).stdout
    proc = (await ssh(lab, "xen_host_2", "grep ' /xen ' /proc/mounts")).stdout
    assert proc.startswith("xen_host_1:/xen /xen nfs ")
    again = await ssh(lab, "xen_host_2", "mount xen_host_1:/xen /xen")
    assert again.exit_status == 32
    bad = await ssh(lab, "xen_host_2", "mount xen_host_9:/xen /xen")
    assert bad.stderr == "mount: can't get address for xen_host_9\n"


async def test_unexported_path_is_refused(lab_factory) -> None:
    lab = await lab_factory(fresh=True)
    await ssh(lab, "xen_host_1", "echo '/home *(ro)' | tee /etc/exports")
    await ssh(lab, "xen_host_1", "mkdir -p /home && exportfs -ra")
    await ssh(lab, "xen_host_1", "service nfs start")
    r = await ssh(lab, "xen_host_2", "mount xen_host_1:/xen /xen")
    assert r.stderr == "mount: xen_host_1:/xen failed, reason given by server: Permission denied\n"


async def test_create_the_guest_then_gnump3d(lab_factory) -> None:
    lab = await lab_factory(fresh=True)
    # host 2 has no /xen yet: the guest's disk is not there.
    no_disk = await ssh(lab, "xen_host_2", "xm create virt_server")
    assert no_disk.exit_status == 1 and "/xen/virt_server.img" in no_disk.stderr
    created = await ssh(lab, "xen_host_1", "xm create -c virt_server")
    assert created.exit_status == 0
    assert created.stdout.startswith('Using config file "/etc/xen/virt_server".\nStarted domain')
    assert lab.where_is_guest() == "xen_host_1"
    twice = await ssh(lab, "xen_host_1", "xm create virt_server")
    assert twice.stderr == "Error: Domain 'virt_server' already exists with ID '3'\n"
    assert (await ssh(lab, "virt_server", "ls /home/mp3")).stdout == ""
    assert (await ssh(lab, "virt_server", "pgrep gnump3d")).exit_status == 1
    early = await ssh(lab, "virt_server", "gnump3d")
    assert early.exit_status == 1 and "/home/mp3" in early.stderr
    got = await ssh(
        lab,
        "virt_server",
        "wget -O /home/mp3/TruthHappens.ogg http://www.redhat.com/v/ogg/TruthHappens.ogg",
    )
    assert got.exit_status == 0 and "saved" in got.stderr
    assert (await ssh(lab, "virt_server", "ls /home/mp3")).stdout == "TruthHappens.ogg\n"
    started = await ssh(lab, "virt_server", "gnump3d &")
    assert started.exit_status == 0
    assert (await ssh(lab, "virt_server", "pgrep gnump3d")).stdout.strip().isdigit()
    reader, writer = await asyncio.open_connection(lab.guest.ip, lab.guest.stream_port)
    writer.write(b"GET /TruthHappens.ogg HTTP/1.0\r\n\r\n")
    head = await asyncio.wait_for(reader.read(64), 5)
    writer.close()
    assert head.startswith(b"HTTP/1.0 200 OK")
    await ssh(lab, "xen_host_1", "xm shutdown virt_server")
    assert lab.where_is_guest() is None and not lab.guest.gnump3d_running
    assert_one_guest(lab)


async def test_nc_opens_a_real_connection(lab) -> None:
    port = lab.guest.stream_port
    ok = await ssh(lab, "xen_host_1", f"nc -z -v -w 2 virt_server {port}")
    assert ok.exit_status == 0 and "succeeded" in ok.stderr
    refused = await ssh(lab, "xen_host_1", "nc -z -w 2 xen_host_2 9")
    assert (refused.exit_status, refused.stderr) == (1, "")


async def test_shell_details(lab) -> None:
    r = await ssh(lab, "xen_host_1", "cat /nonexistent; echo after")
    assert (r.stdout, r.stderr, r.exit_status) == (
        "after\n",
        "cat: /nonexistent: No such file or directory\n",
        0,
    )
    r = await ssh(lab, "xen_host_1", "false && echo no || echo yes")
    assert r.stdout == "yes\n"
    r = await ssh(lab, "xen_host_1", "echo 'unterminated")
    assert r.exit_status == 2
    r = await ssh(
        lab, "xen_host_1", "cat /etc/xen/xend-config.sxp | grep -c '^(xend-relocation-server'"
    )
    assert r.stdout == "1\n"


def test_busy_relocation_port_falls_back_consistently() -> None:
    import socket

    from xentui.lab.addresses import pick_port
    from xentui.lab.xen.host import parse_relocation

    with socket.socket() as busy:
        busy.bind(("127.9.9.1", 8002))
        busy.listen()
        port = pick_port(["127.9.9.1", "127.9.9.2"], 8002)
    assert port != 8002
    assert parse_relocation(ready_xend_config("3.0.3", port)).port == port
    assert parse_relocation(shipped_xend_config("3.0.3", port)).port == port
