"""`xl migrate` on a simulated host: xl's names (NAME--incoming, NAME--migratedaway) and transcript.

The pages go over a real SSH session to the target's ``xl migrate-receive`` (xl_transport.py),
as xl's rune does; a target without xl (an xm host, the guest) answers 127 before the banner.
What each host lists meanwhile and the stderr follow ``tools/xl/xl_migrate.c`` and
``xl_vmcontrol.c`` (github.com/xen-project/xen, RELEASE-4.9.0), typo "successsfully" included.
"""

from __future__ import annotations

import asyncio
import os
import posixpath
import shlex
from typing import TYPE_CHECKING, Any

from xentui.lab.machine.shell import Out
from xentui.lab.machine.ssh_cli import Call, endpoint_of, login, parse
from xentui.lab.xen.migrate_cmd import (
    Refused,
    arrived,
    begin,
    hand_over,
    roll_back,
    stop_and_copy,
    transfer,
)
from xentui.lab.xen.xl_transport import TransportFailed, close_all, opener

if TYPE_CHECKING:
    from xentui.lab.lab import Lab
    from xentui.lab.machine.sshserver import SshEndpoint
    from xentui.lab.xen.domains import SimDomain
    from xentui.lab.xen.host import SimHost


async def xl_migrate(lab: Lab, host: SimHost, opts: dict[str, str], args: list[str]) -> Out:
    from xentui.lab.xen.xl_cli import invalid

    name, dst = args[0], args[1]
    dom = host.find(name)
    if dom is None:
        return invalid(name)
    pid = 4000 + os.getpid() % 1000
    if dom.dom0 or (lab.incoming is not None and lab.incoming[1] is dom) or lab.guest.migrating:
        return not_migratable(dom.domid)
    # xl's rune is `exec SSHCOMMAND TARGET xl migrate-receive` (-s '': TARGET is the command)
    call = _rune(opts.get("s", "ssh"), dst)
    if isinstance(call, Out):
        return no_banner(call.stderr, call.rc, pid)
    logged_in = login(lab, lab.endpoints[host.name].machine, call)
    if isinstance(logged_in, Out):
        return no_banner(logged_in.stderr, 255, pid)
    target, warned = logged_in
    paused = "p" in opts
    run = _xl_run(lab, host, dom, dst, endpoint_of(lab, target), pid, warned, paused)
    return await asyncio.shield(lab.spawn(run, "xl-migrate"))


def _rune(ssh_command: str, dst: str) -> Call | Out:
    """The ssh call of xl's rune; a transport other than ssh is not found by the shell."""
    try:
        argv = shlex.split(ssh_command) + shlex.split(dst) if ssh_command else shlex.split(dst)
    except ValueError as e:
        return Out(stderr=f"sh: -c: line 0: {e}\n", rc=2)
    if not argv:  # `exec  xl migrate-receive`: a receiver on this very host, with no ssh
        return Out(stderr="xentui lab: xl migrate -s '' needs the transport in TARGET\n", rc=2)
    if posixpath.basename(argv[0]) != "ssh":
        return Out(stderr=f"sh: {argv[0]}: command not found\n", rc=127)
    call = parse([*argv, "xl", "migrate-receive"])
    if isinstance(call, Out):
        return call
    if call.command != ["xl", "migrate-receive"]:  # the host word came with its own command
        return Out(stderr="usage: xl migrate-receive  [-d] [-e]\n", rc=2)
    return call


# xl_migrate.c's transcript of a migration that works, in the order both ends print it.
READY = (
    "migration target: Ready to receive domain.\n"
    "Saving to migration stream new xl format (info 0x3/0x0/1411)\n"
    "Loading new save file <incoming migration stream> (new xl fmt info 0x3/0x0/1411)\n"
    " Savefile contains xl domain config in JSON format\nParsing config from <saved>\n"
)
PERMISSION = "migration sender: Giving target permission to start.\n"
STARTING = "migration target: Got permission, starting domain.\n"
STARTED = (
    "migration target: Domain started successsfully.\n"
    "migration sender: Target reports successful startup.\nMigration successful.\n"
)


def transferred(domid: int) -> str:
    """What both ends say once the pages are over, up to the target's acknowledgement."""
    return (
        f"xc: info: Saving domain {domid}, type x86 PV\n"
        "xc: info: Found x86 PV domain from Xen 4.9\nxc: info: Restoring domain\n"
        "xc: info: Restore successful\n"
        "xc: info: XenStore: mfn 0x328657, dom 0, evt 1\n"
        "xc: info: Console: mfn 0x328656, dom 0, evt 2\n"
        "migration target: Transfer complete, requesting permission to start domain.\n"
        "migration sender: Target has acknowledged transfer.\n"
    )


def not_migratable(domid: int) -> Out:
    """Domain-0, or a domain already in a migration: libxl refuses before any transport."""
    return Out(
        stderr=f"libxl: error: libxl_dom_suspend.c:139:libxl__domain_suspend: "
        f"Domain {domid}:Domain is not in a state that can be migrated\n"
        "Migration failed, resuming at sender.\n",
        rc=1,
    )


def transfer_failed(pid: int) -> Out:
    """The receiver answered, then the stream broke: xl resumes the domain at the sender."""
    return Out(
        stderr="libxl: error: libxl_utils.c:508:libxl_read_exactly: file/stream "
        "truncated reading ready message from migration receiver stream\n"
        f"libxl: info: libxl_exec.c:118:libxl_report_child_exitstatus: migration "
        f"transport process [{pid}] exited with error status 1\n"
        "Migration failed, resuming at sender.\n",
        rc=1,
    )


def no_banner(said: str, status: int, pid: int) -> Out:
    """The receiver never answered (ssh failed, or no xl there): no banner, exit 1."""
    return Out(
        stderr=said + "libxl: error: libxl_utils.c:508:libxl_read_exactly: file/stream "
        "truncated reading banner from migration receiver stream\n"
        f"libxl: info: libxl_exec.c:118:libxl_report_child_exitstatus: migration "
        f"transport process [{pid}] exited with error status {status}\n",
        rc=1,
    )


async def _xl_run(
    lab: Lab,
    host: SimHost,
    dom: SimDomain,
    dst: str,
    endpoint: SshEndpoint,
    pid: int,
    warned: str,
    paused: bool,
) -> Out:
    truth = begin(lab, host, dst, True, "xl")
    target_host = lab.hosts.get(endpoint.machine.hostname)
    err = warned + READY

    closers: list[Any] = []
    connect = opener(lab, host, endpoint, closers)
    try:
        stats = await transfer(lab, host, "", 0, truth, stop_and_copy(lab, dom), connect=connect)
    except Refused as e:
        roll_back(lab, host, dom, truth, e.detail)
        if isinstance(e.__cause__, TransportFailed):
            return no_banner(warned + e.__cause__.stderr, e.__cause__.status, pid)
        return transfer_failed(pid)
    finally:
        await close_all(closers)
    truth.stats = stats
    err += transferred(dom.domid)
    dom.name = f"{lab.options.guest_name}--migratedaway"
    await asyncio.sleep(0.2 / lab.options.speed)  # the handshake's round trips over ssh
    err += PERMISSION
    new_dom = arrived(lab, host, dom, target_host)
    if new_dom is None or target_host is None:
        roll_back(lab, host, dom, truth, "target lost the domain")
        return Out(
            stderr=err + "migration sender: Target reports startup failure (status code "
            "-3).\nmigration sender: Trying to resume at our end.\n"
            "migration sender: Resumed OK.\nMigration failed due to problems at target.\n",
            rc=1,
        )
    err += STARTING
    hand_over(lab, host, dom, target_host, new_dom, truth)
    if paused:  # -p: xl migrate-receive leaves the domain paused on the target
        lab.set_paused(target_host, new_dom, paused=True)
    return Out(stderr=err + STARTED)
