"""A fresh lab of either toolstack: each fix repairs, backs up, and a second run changes nothing."""

from __future__ import annotations

import posixpath

import pytest

from tests.setup.test_checklist_lab import run_cli
from xentui.lab.machine.vfs import Vfs
from xentui.setup.checklist import Checklist
from xentui.setup.results import Status

STAMP = "20270115-080000"


def tree(vfs: Vfs, top: str = "/") -> dict[str, bytes | str | None]:
    """Every file's content and every folder (None) under ``top``, past the computed /proc."""
    out: dict[str, bytes | str | None] = {}
    for name in vfs.listdir(top):
        path = posixpath.join(top, name)
        if path == "/proc":
            continue
        if vfs.is_dir(path):
            out[path] = None
            out.update(tree(vfs, path))
        else:
            out[path] = vfs.read(path)
    return out


def machines(lab) -> dict[str, Vfs]:
    return {**{h: lab.host(h).vfs for h in lab.host_names}, "guest": lab.guest.vfs}


FRESH_FAILS = {
    "xm": {"guest-config", "relocation", "nfs-export"},
    "xl": {"guest-config", "ssh-key", "nfs-export"},
}


@pytest.mark.parametrize("toolstack", ["xm", "xl"])
async def test_fix_all_repairs_a_fresh_lab_and_a_second_run_touches_nothing(
    lab_factory, toolstack: str
) -> None:
    lab = await lab_factory(fresh=True, toolstack=toolstack)
    before = {name: tree(vfs) for name, vfs in machines(lab).items()}
    asked: list[str] = []

    async def yes(step, plan) -> bool:
        asked.append(step.id)
        return True

    cl = Checklist(lab.config, wall=lambda: 1_800_000_000.0)
    try:
        await cl.run_all()
        failed = {k for k, r in cl.results.items() if r.status is Status.FAILED}
        assert failed == FRESH_FAILS[toolstack], {k: r.reason for k, r in cl.results.items()}
        assert {k for k, r in cl.results.items() if r.status is Status.UNKNOWN} == set()
        outcomes = await cl.fix_all(yes)
        assert [(o.step_id, o.message) for o in outcomes if not o.ok] == []
        assert FRESH_FAILS[toolstack] | {"guest-running", "stream"} <= {o.step_id for o in outcomes}
        await cl.run_all()
        assert cl.all_passed, {
            k: r.reason for k, r in cl.results.items() if r.status.value != "passed"
        }
        # every backup holds the file as it was before the fixes
        checked = []
        for outcome in outcomes:
            for backup in outcome.backups:
                host, path = backup.split(":", 1)
                original = path.rsplit(".xentui-bak-", 1)[0]
                assert path.endswith(STAMP)
                name = "guest" if host == "guest" else host
                assert machines(lab)[name].read(path) == before[name][original], backup
                checked.append(original)
        assert {"/etc/xen/virt_server", "/etc/exports"} <= set(checked)
        # nothing is left to fix, and a second pass asks nothing and writes nothing
        for step in cl.steps:
            if step.plan is not None:
                assert not (await cl.plan_fix(step.id)).runnable, step.id
        after = {name: tree(vfs) for name, vfs in machines(lab).items()}
        assert after != before and "/etc/exports" in after["xen_host_1"]
        asked.clear()
        assert await cl.fix_all(yes) == []
        assert asked == []
        assert {name: tree(vfs) for name, vfs in machines(lab).items()} == after
        # all passed means the demo's migration goes through
        live = ["migrate", "-l"] if toolstack == "xm" else ["migrate"]
        argv = [toolstack, *live, "virt_server", "xen_host_2"]
        moved = await cl.ctx.run("xen_host_1", argv, timeout=60)
        assert moved.ok, moved.output
        assert lab.where_is_guest() == "xen_host_2"
    finally:
        await cl.close()


async def test_cli_fix_yes_on_a_fresh_xl_lab_ends_all_passed(lab_factory) -> None:
    lab = await lab_factory(fresh=True, toolstack="xl")
    code, out, err = await run_cli("--config", str(lab.config_path), "--fix", "--yes")
    assert code == 0, out + err
    assert "Fix for step 4a: xen_host_1 has a root SSH key" in out
    assert "+ssh-rsa AAAA" in out  # the exact line appended on the target, shown before
    code, out, _ = await run_cli("--config", str(lab.config_path))
    assert code == 0 and "✗" not in out and "⊘" not in out, out


async def test_the_media_fetch_says_its_address_is_the_seeds_and_unverified(lab_factory) -> None:
    lab = await lab_factory(fresh=True)
    cl = Checklist(lab.config)
    try:
        await cl.fix_all(lambda step, plan: _only(step.id != "stream"))
        assert cl.results["stream"].status is Status.FAILED
        shown = (await cl.plan_fix("stream")).describe()
    finally:
        await cl.close()
    assert "where the original demo fetched it in 2007: xentui has not checked that it" in shown
    # fetched under a temporary name and moved: a failed download leaves no empty clip
    assert "guest$ wget -O /home/mp3/.TruthHappens.ogg.part http" in shown
    assert "guest$ mv /home/mp3/.TruthHappens.ogg.part /home/mp3/TruthHappens.ogg" in shown


async def _only(answer: bool) -> bool:
    return answer


class Counting:
    """A real runner that notes which steps' commands are on the wire at the same time."""

    def __init__(self, inner, seen: list[int], busy: list[int]) -> None:
        self.inner, self.host, self.seen, self.busy = inner, inner.host, seen, busy

    async def run(self, argv, **kw):
        self.busy[0] += 1
        self.seen.append(self.busy[0])
        try:
            return await self.inner.run(argv, **kw)
        finally:
            self.busy[0] -= 1

    async def close(self) -> None:
        await self.inner.close()


async def test_independent_checks_run_at_once_and_waiting_ones_say_blocked(lab_factory) -> None:
    from xentui.remote import open_runner

    lab = await lab_factory(fresh=True)
    seen: list[int] = []
    busy = [0]

    async def counting(host):
        return Counting(await open_runner(host), seen, busy)

    cl = Checklist(lab.config, open_runner=counting)
    try:
        await cl.run_all()
    finally:
        await cl.close()
    # steps 2, 4 and 5 wait only for step 1: their commands are in flight together
    assert max(seen) >= 3, seen
    blocked = {k: r.blocked_by for k, r in cl.results.items() if r.status is Status.BLOCKED}
    assert blocked == {
        "relocation-port": ("relocation",),
        "nfs-mount": ("nfs-export",),
        "guest-running": ("guest-config",),
        "gnump3d": ("guest-running",),
        "stream": ("gnump3d",),
    }
    # a blocked step has one line that says why, never a failure of its own
    assert all(len(cl.results[k].findings) == 1 for k in blocked)
    assert (
        cl.results["gnump3d"].reason
        == "waits for step 7 (virt_server runs on xen_host_1), which is blocked"
    )


async def test_check_piped_into_a_reader_that_leaves_early_ends_quietly(lab_factory) -> None:
    import asyncio
    import os
    import sys

    lab = await lab_factory(fresh=True)
    read_end, write_end = os.pipe()
    os.close(read_end)  # like `| head -0`: the reader is gone before the report is written
    try:
        proc = await asyncio.create_subprocess_exec(
            *(sys.executable, "-m", "xentui", "check", "--config", str(lab.config_path)),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=write_end,
            stderr=asyncio.subprocess.PIPE,
        )
    finally:
        os.close(write_end)
    _, err = await asyncio.wait_for(proc.communicate(), 90)
    assert proc.returncode == 1, err  # the fresh lab fails: the exit code still says so
    assert b"Traceback" not in err and b"BrokenPipe" not in err, err


async def test_the_relocation_fix_lets_the_peer_in_by_its_long_name_too(lab_factory) -> None:
    from xentui.setup import xend_config as xc

    lab = await lab_factory(fresh=True)
    cl = Checklist(lab.config)
    try:
        await cl.run_all()
        outcome = await cl.apply_fix(await cl.plan_fix("relocation"))
        assert outcome.ok, outcome
    finally:
        await cl.close()
    text = lab.host("xen_host_2").vfs.read_text("/etc/xen/xend-config.sxp")
    assert "(xend-relocation-hosts-allow '^xen_host_1(\\\\..*)?$ ^localhost(\\\\..*)?$')" in text
    allow = xc.read_settings(text)[xc.HOSTS_ALLOW].text
    # xend matches socket.getfqdn(peer): often the long name /etc/hosts lists first
    for seen_as in ("xen_host_1", "xen_host_1.lab.example", "localhost.localdomain"):
        assert xc.hosts_allow_admits(allow, [seen_as])[0], seen_as
    for other in ("xen_host_10", "evil-xen_host_1", "xen_host_1x.lab.example"):
        assert not xc.hosts_allow_admits(allow, [other])[0], other
