"""`xm migrate -l` / `xl migrate` over real SSH, with real TCP traffic between the hosts."""

from __future__ import annotations

import asyncio

import pytest

from tests.lab.helpers import assert_one_guest, ssh


async def _lists(lab, tool: str) -> dict[str, list[list[str]]]:
    out = {}
    for name in lab.host_names:
        text = (await ssh(lab, name, f"{tool} list")).stdout
        out[name] = [line.split() for line in text.splitlines()[1:]]
    return out


async def _watch(lab, tool: str, seen: list[dict[str, list[list[str]]]]) -> None:
    while True:
        seen.append(await _lists(lab, tool))
        await asyncio.sleep(0.02)


async def _stream_reader(lab, got: list[int]) -> None:
    reader, writer = await asyncio.open_connection(lab.guest.ip, lab.guest.stream_port)
    writer.write(b"GET /TruthHappens.ogg HTTP/1.0\r\n\r\n")
    try:
        while data := await reader.read(65536):
            got.append(len(data))
    finally:
        writer.close()


async def test_xm_live_migration_names_traffic_and_truth(lab) -> None:
    got: list[int] = []
    reader = asyncio.create_task(_stream_reader(lab, got))
    await asyncio.sleep(0.2)
    before = await _lists(lab, "xm")
    old_id = next(row[1] for row in before["xen_host_1"] if row[0] == "virt_server")
    seen: list[dict[str, list[list[str]]]] = []
    watcher = asyncio.create_task(_watch(lab, "xm", seen))
    result = await ssh(lab, "xen_host_1", "xm migrate -l virt_server xen_host_2")
    watcher.cancel()
    assert (result.exit_status, result.stdout, result.stderr) == (0, "", "")
    source_rows = [r for snap in seen for r in snap["xen_host_1"] if "virt_server" in r[0]]
    target_rows = [r for snap in seen for r in snap["xen_host_2"] if "virt_server" in r[0]]
    assert any(r[0] == "migrating-virt_server" and r[1] == old_id for r in source_rows)
    assert any(r[0] == "virt_server" and r[4] == "--p---" and r[1] != old_id for r in target_rows)
    assert {r[0] for r in target_rows} == {"virt_server"}
    after = await _lists(lab, "xm")
    assert [r[0] for r in after["xen_host_1"]] == ["Domain-0"]
    assert [r[0] for r in after["xen_host_2"]] == ["Domain-0", "virt_server"]
    assert lab.where_is_guest() == "xen_host_2"
    truth = lab.ground_truth.last_migration
    assert truth.ok and truth.source == "xen_host_1" and truth.target == "xen_host_2"
    assert truth.rounds and truth.stop_and_copy_at is not None and truth.downtime_s is not None
    halt = lab.ground_truth.halts[-1]
    assert "stop-and-copy" in halt.why and halt.t_resume is not None
    assert truth.started <= halt.t_halt <= halt.t_resume <= truth.finished
    n = len(got)
    for _ in range(300):
        if len(got) > n or reader.done():
            break
        await asyncio.sleep(0.01)
    assert not reader.done(), reader
    assert len(got) > n, "the stream flows again after the migration, on the same connection"
    reader.cancel()
    assert_one_guest(lab)
    back = await ssh(lab, "xen_host_2", "xm migrate --live virt_server xen_host_1")
    assert back.exit_status == 0 and lab.where_is_guest() == "xen_host_1"
    assert_one_guest(lab)


async def test_xl_migration_transcript_and_names(lab_factory) -> None:
    lab = await lab_factory(toolstack="xl")
    seen: list[dict[str, list[list[str]]]] = []
    watcher = asyncio.create_task(_watch(lab, "xl", seen))
    result = await ssh(lab, "xen_host_1", "xl migrate virt_server xen_host_2")
    watcher.cancel()
    assert result.exit_status == 0 and result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0] == "migration target: Ready to receive domain."
    assert "migration target: Domain started successsfully." in lines
    assert lines[-1] == "Migration successful."
    names = {r[0] for snap in seen for host in snap.values() for r in host}
    assert "virt_server--incoming" in names
    target_incoming = [r for s in seen for r in s["xen_host_2"] if r[0] == "virt_server--incoming"]
    assert all(r[4] == "--p---" for r in target_incoming)
    assert lab.where_is_guest() == "xen_host_2"
    assert_one_guest(lab)


async def test_relocation_off_then_repaired(lab) -> None:
    sxp = (await ssh(lab, "xen_host_2", "cat /etc/xen/xend-config.sxp")).stdout
    off = sxp.replace("\n(xend-relocation-server yes)\n", "\n(xend-relocation-server no)\n")
    await ssh(lab, "xen_host_2", "cat > /etc/xen/xend-config.sxp", input=off)
    # Not re-read yet: xend still listens (on 8002, or the port the lab took when 8002 was busy).
    port = lab.relocation_port(lab.host("xen_host_2"))
    probe = await ssh(lab, "xen_host_1", f"nc -z -w 2 xen_host_2 {port}")
    assert probe.exit_status == 0, probe.stderr
    await ssh(lab, "xen_host_2", "service xend restart")
    refused = await ssh(lab, "xen_host_1", "xm migrate -l virt_server xen_host_2")
    assert refused.exit_status == 1
    assert refused.stderr == "Error: can't connect: Connection refused\n"
    assert refused.stdout.startswith("Usage: xm migrate")
    assert lab.where_is_guest() == "xen_host_1"
    assert_one_guest(lab)
    await ssh(lab, "xen_host_2", "cat > /etc/xen/xend-config.sxp", input=sxp)
    await ssh(lab, "xen_host_2", "service xend restart")
    ok = await ssh(lab, "xen_host_1", "xm migrate -l virt_server xen_host_2")
    assert ok.exit_status == 0 and lab.where_is_guest() == "xen_host_2"
    assert_one_guest(lab)


async def test_fresh_target_refuses_by_hosts_allow(lab_factory) -> None:
    lab = await lab_factory(fresh=True)
    await ssh(lab, "xen_host_1", "xm create virt_server")
    await ssh(lab, "xen_host_1", "cat > /etc/exports", input="/xen *(rw,sync,no_root_squash)\n")
    await ssh(lab, "xen_host_1", "service nfs restart")
    await ssh(lab, "xen_host_2", "mount xen_host_1:/xen /xen")
    r = await ssh(lab, "xen_host_1", "xm migrate -l virt_server xen_host_2")
    assert r.exit_status == 1 and r.stderr.startswith("Error: /usr/lib/xen/bin/xc_save ")
    assert lab.where_is_guest() == "xen_host_1"
    assert lab.ground_truth.last_migration.ok is False
    assert_one_guest(lab)


async def test_target_without_shared_storage_refuses(lab) -> None:
    await ssh(lab, "xen_host_2", "umount /xen")
    r = await ssh(lab, "xen_host_1", "xm migrate -l virt_server xen_host_2")
    assert r.exit_status == 1 and "xc_save" in r.stderr
    assert lab.where_is_guest() == "xen_host_1" and not lab.guest.stream.halted
    assert_one_guest(lab)


async def test_bad_migrations(lab) -> None:
    unknown = await ssh(lab, "xen_host_1", "xm migrate -l virt_server xen_host_9")
    assert unknown.stderr == "Error: can't connect: Name or service not known\n"
    typo = await ssh(lab, "xen_host_1", "xm migrate -l virt_sever xen_host_2")
    assert typo.stderr == "Error: Domain 'virt_sever' does not exist.\n"
    dom0 = await ssh(lab, "xen_host_1", "xm migrate -l Domain-0 xen_host_2")
    assert dom0.stderr == "Error: Cannot migrate Domain-0\n"
    short = await ssh(lab, "xen_host_1", "xm migrate virt_server")
    assert short.stderr == "Error: Invalid arguments: ['virt_server']\n"
    assert_one_guest(lab)
    # Migrating to itself is a real localhost migration: a new domid, same host.
    old = lab.guest.dom.domid
    self_mig = await ssh(lab, "xen_host_1", "xm migrate -l virt_server xen_host_1")
    assert self_mig.exit_status == 0
    assert lab.where_is_guest() == "xen_host_1" and lab.guest.dom.domid != old
    assert_one_guest(lab)


async def test_second_migration_while_one_runs(lab) -> None:
    first = asyncio.create_task(ssh(lab, "xen_host_1", "xm migrate -l virt_server xen_host_2"))
    while lab.incoming is None:
        await asyncio.sleep(0.005)
    on_source = await ssh(lab, "xen_host_1", "xm migrate -l virt_server xen_host_2")
    assert on_source.stderr == "Error: Domain 'virt_server' does not exist.\n"
    on_target = await ssh(lab, "xen_host_2", "xm migrate -l virt_server xen_host_1")
    assert on_target.stderr == "Error: Domain is not running\n"
    assert (await first).exit_status == 0
    assert lab.where_is_guest() == "xen_host_2"
    assert_one_guest(lab)


async def test_paused_guest_on_xend_33_is_refused(lab_factory) -> None:
    lab = await lab_factory(xm_version="3.4")
    await ssh(lab, "xen_host_1", "xm pause virt_server")
    r = await ssh(lab, "xen_host_1", "xm migrate -l virt_server xen_host_2")
    assert r.stderr == "Error: Domain is not running\n"
    assert r.stdout.startswith("Usage: xm migrate")
    refused = await ssh(lab, "xen_host_1", "xm unpause virt_server")
    assert refused.exit_status == 0
    assert_one_guest(lab)


async def test_migration_survives_the_ssh_session(lab) -> None:
    """xend, not the xm client, runs the migration: killing the session does not stop it."""
    task = asyncio.create_task(ssh(lab, "xen_host_1", "xm migrate -l virt_server xen_host_2"))
    while lab.incoming is None:
        await asyncio.sleep(0.005)
    await lab.stop_host("xen_host_1")
    task.cancel()
    while lab.guest.migrating:
        await asyncio.sleep(0.02)
    await lab.start_host("xen_host_1")
    assert lab.where_is_guest() == "xen_host_2"
    assert lab.ground_truth.last_migration.ok
    assert_one_guest(lab)


async def test_non_live_migration_halts_for_the_whole_copy(lab) -> None:
    r = await ssh(lab, "xen_host_1", "xm migrate virt_server xen_host_2")
    assert r.exit_status == 0
    truth = lab.ground_truth.last_migration
    assert not truth.live and len(truth.rounds) == 1
    assert lab.where_is_guest() == "xen_host_2"
    assert_one_guest(lab)


async def test_mixed_toolstacks_refuse_each_other(lab_factory) -> None:
    """xend and libxl do not migrate to each other: each side fails as the real tool would."""
    lab = await lab_factory(toolstack=("xm", "xl"))
    there = await ssh(lab, "xen_host_1", "xm migrate -l virt_server xen_host_2")
    # an xl host runs no xend: nothing listens on its relocation port
    assert there.exit_status == 1
    assert there.stderr == "Error: can't connect: Connection refused\n"
    assert lab.where_is_guest() == "xen_host_1" and not lab.guest.stream.halted
    assert_one_guest(lab)
    # the guest is created on the xl host, then xl's rune finds no xl on the xm host
    await ssh(lab, "xen_host_1", "xm destroy virt_server")
    made = await ssh(lab, "xen_host_2", "xl create /etc/xen/virt_server")
    assert made.exit_status == 0, made.stderr
    back = await ssh(lab, "xen_host_2", "xl migrate virt_server xen_host_1")
    assert back.exit_status == 1
    lines = back.stderr.splitlines()
    assert lines[0] == "bash: xl: command not found"
    assert "truncated reading banner from migration receiver stream" in lines[1]
    assert lines[2].endswith("exited with error status 127")
    assert lab.where_is_guest() == "xen_host_2"
    assert "virt_server " in (await ssh(lab, "xen_host_2", "xl list")).stdout
    assert_one_guest(lab)


async def test_xl_migration_goes_over_the_targets_sshd(lab_factory) -> None:
    """xl has no relocation port: the pages go through `ssh TARGET xl migrate-receive`."""
    lab = await lab_factory(toolstack="xl")
    source, target = lab.host("xen_host_1"), lab.host("xen_host_2")
    with pytest.raises(ConnectionRefusedError):
        await asyncio.open_connection(target.ip, target.reloc_port)
    banner = await ssh(lab, "xen_host_2", "xl migrate-receive", input="x")
    assert banner.stdout == "xl migration receiver ready, send binary domain data.\n"
    assert banner.exit_status == 1  # no domain data came
    ok = await ssh(lab, "xen_host_1", "xl migrate virt_server xen_host_2")
    assert ok.exit_status == 0, ok.stderr
    arrived = lab.relocation["xen_host_2"].incoming[-1]
    assert arrived.completed and arrived.peer_ip == source.ip
    assert arrived.bytes_received == lab.ground_truth.last_migration.stats.total_bytes
    assert_one_guest(lab)
    # with the target's sshd down the rune fails before the banner and nothing moves
    await lab.stop_host("xen_host_1")
    down = await ssh(lab, "xen_host_2", "xl migrate virt_server xen_host_1")
    assert down.exit_status == 1
    assert down.stderr.startswith("ssh: connect to host xen_host_1 port 22: Connection refused\n")
    assert "exited with error status 255" in down.stderr
    assert lab.where_is_guest() == "xen_host_2"
    assert_one_guest(lab)


async def test_hosts_allow_is_matched_against_the_source_name(lab) -> None:
    sxp = (await ssh(lab, "xen_host_2", "cat /etc/xen/xend-config.sxp")).stdout

    async def allow(patterns: str) -> None:
        text = sxp.replace(
            "\n(xend-relocation-hosts-allow '')\n",
            f"\n(xend-relocation-hosts-allow '{patterns}')\n",
        )
        await ssh(lab, "xen_host_2", "cat > /etc/xen/xend-config.sxp", input=text)
        await ssh(lab, "xen_host_2", "service xend restart")

    await allow("^xen_host_3$ ^localhost$")
    refused = await ssh(lab, "xen_host_1", "xm migrate -l virt_server xen_host_2")
    assert refused.exit_status == 1 and lab.where_is_guest() == "xen_host_1"
    assert any("Rejected connection from" in line for line in lab.relocation["xen_host_2"].log)
    await allow("^xen_host_[12]$ ^localhost$")
    ok = await ssh(lab, "xen_host_1", "xm migrate -l virt_server xen_host_2")
    assert ok.exit_status == 0 and lab.where_is_guest() == "xen_host_2"
    assert_one_guest(lab)


async def test_xm_migrate_usage_dumps_its_options(lab) -> None:
    sxp = (await ssh(lab, "xen_host_2", "cat /etc/xen/xend-config.sxp")).stdout
    off = sxp.replace("\n(xend-relocation-server yes)\n", "\n(xend-relocation-server no)\n")
    await ssh(lab, "xen_host_2", "cat > /etc/xen/xend-config.sxp && service xend restart", off)
    r = await ssh(lab, "xen_host_1", "xm migrate -l virt_server xen_host_2")
    assert r.stdout == (
        "Usage: xm migrate <Domain> <Host>\n\nMigrate a domain to another machine.\n"
        "help=None\nlive=\nresource=None\n"
    )


async def test_destroying_the_incoming_domain_fails_the_migration(lab) -> None:
    task = asyncio.create_task(ssh(lab, "xen_host_1", "xm migrate -l virt_server xen_host_2"))
    while lab.incoming is None:
        await asyncio.sleep(0.005)
    killed = await ssh(lab, "xen_host_2", "xm destroy virt_server")
    assert killed.exit_status == 0
    result = await task
    assert result.exit_status == 1 and "xc_save" in result.stderr
    assert lab.where_is_guest() == "xen_host_1" and not lab.guest.stream.halted
    assert_one_guest(lab)


async def test_xl_target_sshd_dying_mid_transfer_keeps_the_guest_at_home(lab_factory) -> None:
    """The pages ride the SSH session: when the target's sshd goes, so does the migration."""
    lab = await lab_factory(toolstack="xl", speed=0.5)
    task = asyncio.create_task(ssh(lab, "xen_host_1", "xl migrate virt_server xen_host_2"))
    for _ in range(2000):
        if lab.incoming is not None or task.done():
            break
        await asyncio.sleep(0.005)
    assert lab.incoming is not None, "the target never created virt_server--incoming"
    await lab.stop_host("xen_host_2")
    result = await asyncio.wait_for(task, 30)
    assert result.exit_status == 1
    assert result.stderr.rstrip().endswith("Migration failed, resuming at sender.")
    assert lab.where_is_guest() == "xen_host_1" and not lab.guest.migrating
    assert not lab.guest.stream.halted
    assert not lab.ground_truth.last_migration.ok
    assert_one_guest(lab)
    await lab.start_host("xen_host_2")
    again = await ssh(lab, "xen_host_1", "xl migrate virt_server xen_host_2")
    assert again.exit_status == 0, again.stderr
    assert lab.where_is_guest() == "xen_host_2"
    assert_one_guest(lab)


async def test_xl_migrate_p_leaves_the_guest_paused_on_the_target(lab_factory) -> None:
    lab = await lab_factory(toolstack="xl")
    moved = await ssh(lab, "xen_host_1", "xl migrate -p virt_server xen_host_2")
    assert moved.exit_status == 0, moved.stderr
    assert lab.where_is_guest() == "xen_host_2"
    row = (await ssh(lab, "xen_host_2", "xl list virt_server")).stdout.splitlines()[1].split()
    assert row[0] == "virt_server" and row[4] == "--p---"
    assert lab.guest.stream.halted and "paused" in lab.ground_truth.halts[-1].why
    await ssh(lab, "xen_host_2", "xl unpause virt_server")
    row = (await ssh(lab, "xen_host_2", "xl list virt_server")).stdout.splitlines()[1].split()
    assert "p" not in row[4] and not lab.guest.stream.halted
    assert_one_guest(lab)
