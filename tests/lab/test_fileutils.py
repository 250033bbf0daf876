"""The lab's mktemp, stat, chown, chmod, mv and cp -p keep owners and modes as GNU's do."""

from __future__ import annotations

import asyncio

from xentui.lab.machine import coreutils
from xentui.lab.machine.shell import Machine, Out, run_line
from xentui.lab.machine.vfs import Meta, Vfs

CONF = "/etc/xen/xend-config.sxp"


def _machine() -> Machine:
    vfs = Vfs()
    vfs.mkdir("/etc/xen")
    vfs.write(CONF, "(old)\n")
    vfs.set_meta(CONF, Meta(0, 7, 0o640))
    return Machine("h", vfs, dict(coreutils.COMMANDS))


async def _run(m: Machine, line: str, stdin: str = "") -> Out:
    async def feed() -> str:
        return stdin

    return await run_line(m, line, feed)


async def test_the_replace_sequence_keeps_owner_and_mode() -> None:
    m = _machine()
    assert (await _run(m, f"stat -c %u:%g:%a {CONF}")).stdout == "0:7:640\n"
    made = await _run(m, f"mktemp {CONF}.xentui-tmp.XXXXXX")
    tmp = made.stdout.strip()
    assert made.rc == 0 and tmp.startswith(f"{CONF}.xentui-tmp.") and len(tmp) == len(CONF) + 18
    assert m.vfs.stat(tmp) == Meta(0, 0, 0o600) and m.vfs.read_text(tmp) == ""
    assert (await _run(m, f"tee {tmp}", "(new)\n")).stdout == "(new)\n"
    for line in (f"chown 0:7 {tmp}", f"chmod 640 {tmp}", f"mv -f {tmp} {CONF}"):
        assert (await _run(m, line)) == Out(), line
    assert m.vfs.read_text(CONF) == "(new)\n" and m.vfs.stat(CONF) == Meta(0, 7, 0o640)
    assert m.vfs.listdir("/etc/xen") == ["xend-config.sxp"]


async def test_reference_cp_p_and_what_gnu_refuses() -> None:
    m = _machine()
    m.vfs.write("/etc/xen/new", "x")
    assert m.vfs.stat("/etc/xen/new") == Meta(0, 0, 0o644)  # root's umask 022
    assert (await _run(m, f"chown --reference={CONF} /etc/xen/new")).rc == 0
    assert (await _run(m, f"chmod --reference={CONF} /etc/xen/new")).rc == 0
    assert m.vfs.stat("/etc/xen/new") == Meta(0, 7, 0o640)
    assert (await _run(m, f"cp -p {CONF} /etc/xen/bak")).rc == 0
    assert m.vfs.stat("/etc/xen/bak") == Meta(0, 7, 0o640)
    m.vfs.set_meta("/etc/xen/new", Meta(0, 0, 0o4755))
    await _run(m, "chown 0:0 /etc/xen/new")
    assert m.vfs.stat("/etc/xen/new").mode == 0o755  # chown clears set-user-ID, as Linux does
    assert (await _run(m, "mktemp /etc/xen/xX")).stderr == (
        "mktemp: too few X's in template `/etc/xen/xX'\n"
    )
    assert (await _run(m, "mktemp /nowhere/f.XXXXXX")).stderr == (
        "mktemp: failed to create file via template `/nowhere/f.XXXXXX': "
        "No such file or directory\n"
    )
    assert (await _run(m, "stat -c %a /etc/none")).stderr == (
        "stat: cannot stat `/etc/none': No such file or directory\n"
    )
    assert (await _run(m, f"chmod u+x {CONF}")).stderr == "chmod: invalid mode: `u+x'\n"
    assert (await _run(m, f"chown nobody {CONF}")).stderr == "chown: invalid user: `nobody'\n"
    assert (await _run(m, "mv /etc/none /etc/xen/x")).stderr == (
        "mv: cannot stat `/etc/none': No such file or directory\n"
    )
    assert (await _run(m, "rm -f /etc/none")) == Out()
    assert (await _run(m, "rm /etc/xen/bak")) == Out() and not m.vfs.exists("/etc/xen/bak")


async def test_a_slow_tee_empties_the_file_first_as_a_real_one_does() -> None:
    """The lab's window for interrupting a write: the file is empty until the text arrives."""
    m = _machine()
    m.vfs.write_s = 0.2
    task = asyncio.create_task(_run(m, f"tee {CONF}", "(new)\n"))
    await asyncio.sleep(0.1)
    assert m.vfs.read_text(CONF) == ""
    assert (await task).rc == 0
    assert m.vfs.read_text(CONF) == "(new)\n" and m.vfs.stat(CONF) == Meta(0, 7, 0o640)
