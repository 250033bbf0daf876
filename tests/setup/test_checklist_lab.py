"""The checklist against the embedded lab: fresh hosts fail for the right reasons, fixes repair."""

from __future__ import annotations

import asyncio
import json
import sys

from xentui.setup.checklist import Checklist
from xentui.setup.results import Status

XEND = "/etc/xen/xend-config.sxp"


def statuses(cl: Checklist) -> dict[str, Status]:
    return {k: r.status for k, r in cl.results.items()}


def backups(lab, host: str, path: str) -> list[str]:
    folder, name = path.rsplit("/", 1)
    vfs = lab.host(host).vfs
    return [n for n in vfs.listdir(folder) if n.startswith(name + ".xentui-bak-")]


async def test_fresh_lab_fails_for_the_right_reasons(lab_factory) -> None:
    lab = await lab_factory(fresh=True)
    cl = Checklist(lab.config)
    try:
        await cl.run_all()
    finally:
        await cl.close()
    got = statuses(cl)
    assert got["hosts"] is Status.PASSED
    hosts = [f.reason for f in cl.results["hosts"].findings]
    assert hosts == ["answers `xm list`: 1 domain (Domain-0)"] * 2
    assert got["guest-installed"] is Status.PASSED
    assert got["guest-config"] is Status.FAILED
    assert "vnc=1 is active" in cl.results["guest-config"].reason
    assert got["relocation"] is Status.FAILED
    assert "no regex in '^localhost$ ^localhost\\.localdomain$' matches xen_host_2" in (
        cl.results["relocation"].reason
    )
    assert got["relocation-port"] is Status.BLOCKED
    assert got["nfs-export"] is Status.FAILED
    reasons = [f.reason for f in cl.results["nfs-export"].findings]
    assert "/etc/exports: /xen is not in /etc/exports" in reasons
    assert "nfs is off at boot" in reasons
    for blocked in ("nfs-mount", "guest-running", "gnump3d", "stream"):
        assert got[blocked] is Status.BLOCKED, blocked
    assert "step 5" in cl.results["nfs-mount"].reason


async def test_fixes_repair_a_fresh_lab_and_a_second_run_changes_nothing(lab_factory) -> None:
    lab = await lab_factory(fresh=True)
    originals = {h: lab.host(h).vfs.read_text(XEND) for h in lab.host_names}
    original_guest = lab.host("xen_host_1").vfs.read_text("/etc/xen/virt_server")
    asked: list[str] = []

    async def yes(step, plan) -> bool:
        asked.append(step.id)
        assert plan.runnable
        return True

    cl = Checklist(lab.config, wall=lambda: 1_800_000_000.0)
    try:
        outcomes = await cl.fix_all(yes)
        assert [o.step_id for o in outcomes if not o.ok] == [], outcomes
        await cl.run_all()
        assert cl.all_passed, {k: r.reason for k, r in cl.results.items()}
        assert "guest-config" in asked and "relocation" in asked and "nfs-export" in asked
        # the backups hold the originals
        for host, text in originals.items():
            [bak] = backups(lab, host, XEND)
            assert bak == "xend-config.sxp.xentui-bak-20270115-080000"
            assert lab.host(host).vfs.read_text(f"/etc/xen/{bak}") == text
        [bak] = backups(lab, "xen_host_1", "/etc/xen/virt_server")
        assert lab.host("xen_host_1").vfs.read_text(f"/etc/xen/{bak}") == original_guest
        # a second run asks nothing and writes nothing
        files = {h: lab.host(h).vfs.read_text(XEND) for h in lab.host_names}
        asked.clear()
        assert await cl.fix_all(yes) == []
        assert asked == []
        assert {h: lab.host(h).vfs.read_text(XEND) for h in lab.host_names} == files
        assert all(len(backups(lab, h, XEND)) == 1 for h in lab.host_names)
    finally:
        await cl.close()


async def test_declined_fix_changes_nothing(lab_factory) -> None:
    lab = await lab_factory(fresh=True)
    before = lab.host("xen_host_1").vfs.read_text("/etc/xen/virt_server")

    async def no(step, plan) -> bool:
        return False

    cl = Checklist(lab.config)
    try:
        assert await cl.fix_all(no) == []
    finally:
        await cl.close()
    assert lab.host("xen_host_1").vfs.read_text("/etc/xen/virt_server") == before
    assert backups(lab, "xen_host_1", "/etc/xen/virt_server") == []


async def test_broken_sxp_is_unknown_with_its_line(lab_factory) -> None:
    lab = await lab_factory(fresh=True)
    vfs = lab.host("xen_host_2").vfs
    vfs.write(XEND, "(xend-relocation-server yes)\n# fine so far\n(xend-relocation-port 8002\n")
    cl = Checklist(lab.config)
    try:
        await cl.run_all()
        result = cl.results["relocation"]
        assert result.status is Status.FAILED  # xen_host_1 still fails its own check
        [broken] = [f for f in result.findings if f.where == "xen_host_2"]
        assert broken.status is Status.UNKNOWN
        assert "line 3" in broken.reason and "never closed" in broken.reason
        plan = await cl.plan_fix("relocation")
        assert "line 3" in plan.describe()
        assert all(e.host != "xen_host_2" for e in plan.edits)
    finally:
        await cl.close()


async def test_unreachable_host_fails_step_one_and_blocks_the_rest(lab_factory) -> None:
    lab = await lab_factory(fresh=True)
    await lab.stop_host("xen_host_2")
    cl = Checklist(lab.config)
    try:
        await cl.run_all()
    finally:
        await cl.close()
    hosts = cl.results["hosts"]
    assert hosts.status is Status.FAILED
    assert hosts.reason.startswith("xen_host_2: not reachable over SSH")
    assert cl.results["relocation"].status is Status.BLOCKED


async def run_cli(*args: str) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "xentui",
        "check",
        *args,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), 90)
    return await proc.wait(), out.decode(), err.decode()  # wait(): the exit status, an int


async def test_cli_exit_codes_and_fix(lab_factory, tmp_path) -> None:
    lab = await lab_factory(fresh=True)
    code, out, _ = await run_cli("--config", str(lab.config_path))
    assert code == 1
    assert "✗ 3. virt_server's config: no VNC, sdl=1" in out
    code, out, _ = await run_cli("--config", str(lab.config_path), "--json")
    doc = json.loads(out)
    assert code == 1 and doc["passed"] is False
    assert {s["id"]: s["status"] for s in doc["steps"]}["nfs-mount"] == "blocked"
    # without --yes the prompt reads EOF: nothing is applied
    code, out, _ = await run_cli("--config", str(lab.config_path), "--fix")
    assert code == 1 and "Apply this fix?" in out
    assert "#vnc=1" not in lab.host("xen_host_1").vfs.read_text("/etc/xen/virt_server")
    code, out, err = await run_cli("--config", str(lab.config_path), "--fix", "--yes")
    assert code == 0, out + err
    code, out, _ = await run_cli("--config", str(lab.config_path))
    assert code == 0 and "✗" not in out
    bad = tmp_path / "bad.toml"
    bad.write_text("[guest\n")
    code, _, err = await run_cli("--config", str(bad))
    assert code == 2 and str(bad) in err


HAND_EDITED = """# edited by hand on stage
   (xend-relocation-server   yes)   # on
(xend-relocation-port
      8002)
(xend-relocation-address "")
(xend-relocation-hosts-allow "^xen_host_[12]$ ^localhost\\\\.localdomain$")
#(xend-relocation-hosts-allow '^localhost$')
"""


async def test_hand_edited_sxp_is_read_right_and_left_alone(lab_factory) -> None:
    lab = await lab_factory(fresh=True)
    for host in lab.host_names:
        lab.host(host).vfs.write(XEND, HAND_EDITED)
    cl = Checklist(lab.config)
    try:
        await cl.run_all()
        assert cl.results["relocation"].status is Status.PASSED, cl.results["relocation"]
        assert "hosts-allow '^xen_host_[12]$ ^localhost\\.localdomain$'" in (
            cl.results["relocation"].findings[0].reason
        )
        plan = await cl.plan_fix("relocation")
        assert plan.edits == () and plan.commands == ()
    finally:
        await cl.close()


async def test_xl_hosts_check_ssh_between_hosts(lab_factory) -> None:
    lab = await lab_factory(fresh=True, toolstack="xl")
    cl = Checklist(lab.config)
    try:
        assert [s.id for s in cl.steps if s.seed == 4] == ["ssh-key", "relocation"]
        await cl.run_all()
        # fresh hosts have no root key: the key step fails and the ssh step waits for it
        assert cl.results["ssh-key"].status is Status.FAILED
        assert cl.results["relocation"].status is Status.BLOCKED
        key = await cl.apply_fix(await cl.plan_fix("ssh-key"))
        assert key.ok, key
        result = await cl.run_step("relocation")
    finally:
        await cl.close()
    [finding] = result.findings
    assert finding.where == "xen_host_1 → xen_host_2"
    # a key the target does not know yet: ssh in batch mode is refused, and the check says so
    assert result.status is Status.FAILED
    assert finding.reason == "ssh xen_host_2 needs a password or fails"
    assert "Permission denied (publickey" in finding.found


async def test_one_host_lab_says_there_is_nowhere_to_migrate(lab_factory) -> None:
    lab = await lab_factory(hosts=1, fresh=True)
    cl = Checklist(lab.config)
    try:
        await cl.run_all()
    finally:
        await cl.close()
    assert cl.results["hosts"].status is Status.PASSED
    assert cl.results["relocation"].status is Status.PASSED  # no peer to let in
    assert cl.results["relocation-port"].status is Status.FAILED
    assert "nowhere to migrate to" in cl.results["relocation-port"].reason


async def test_ready_lab_passes_then_a_migration_moves_the_guest(lab) -> None:
    cl = Checklist(lab.config)
    try:
        await cl.run_all()
        assert cl.all_passed, {
            k: r.reason for k, r in cl.results.items() if r.status.value != "passed"
        }
        result = await cl.ctx.run(
            "xen_host_1", ["xm", "migrate", "-l", "virt_server", "xen_host_2"], timeout=60
        )
        assert result.ok, result.output
        assert lab.where_is_guest() == "xen_host_2"
        # the demo goes on from where the guest landed: no false ✗, and the stream steps that
        # wait on this one still run
        await cl.run_all()
        after = cl.results["guest-running"]
        assert after.status is Status.PASSED
        landed = "virt_server is running on xen_host_2 (the demo began on xen_host_1)"
        assert after.reason == f"xen_host_2: {landed}"
        assert cl.all_passed, {
            k: r.reason for k, r in cl.results.items() if r.status.value != "passed"
        }
        assert not (await cl.plan_fix("guest-running")).runnable
    finally:
        await cl.close()


async def test_a_guest_in_mid_migration_is_unknown_not_failed(lab_factory) -> None:
    lab = await lab_factory(link_mbit=40.0)  # 16 MiB: ~3.5 s on the wire
    cl = Checklist(lab.config)
    try:
        await cl.run_all()
        move = asyncio.create_task(
            cl.ctx.run("xen_host_1", ["xm", "migrate", "-l", "virt_server", "xen_host_2"])
        )
        loop = asyncio.get_running_loop()
        end = loop.time() + 30
        while not any(d.name.startswith("migrating-") for _, d in lab.guest_domains()):
            assert loop.time() < end and not move.done(), "the migration never showed"
            await asyncio.sleep(0.02)
        during = await cl.run_step("guest-running")
        plan = await cl.plan_fix("guest-running")
        assert (await move).ok
    finally:
        await cl.close()
    assert during.status is Status.UNKNOWN, during
    assert "virt_server is listed as migrating-virt_server: a migration is on" in during.reason
    assert not plan.runnable and "check again when it ends" in plan.instructions


async def test_plans_follow_the_findings_kind_not_their_words(lab) -> None:
    """A guest that runs nowhere gets `xm create`; /xen mounted from elsewhere gets words only."""
    from tests.lab.helpers import ssh
    from xentui.lab.xen.host import Mount

    assert (await ssh(lab, "xen_host_1", "xm destroy virt_server")).exit_status == 0
    host2 = lab.host("xen_host_2")
    host2.mounts[:] = [Mount("nas:/xen", "/xen", "127.0.0.9")]
    cl = Checklist(lab.config)
    try:
        await cl.run_all()
        create = await cl.plan_fix("guest-running")
        mount = await cl.plan_fix("nfs-mount")
    finally:
        await cl.close()
    assert [str(c) for c in create.commands] == ["xen_host_1$ xm create virt_server"]
    assert not mount.runnable
    assert mount.instructions == (
        "xen_host_2: /xen is mounted from nas:/xen, not xen_host_1: unmount it by hand first"
    )
