"""`xm` on a simulated host: its subcommands, outputs, error texts and exit codes by Xen version.

Texts follow tools/python/xen/xm/main.py of each version (docs/formats.md names the tags):
errors go to stderr as ``Error: ...`` and exit 1; from 3.0.3 on, the subcommand's usage follows
on stdout.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from xentui.lab.machine.shell import Machine, Out, Stdin
from xentui.lab.xen.domains import xm_list
from xentui.lab.xen.files import version_tuple
from xentui.lab.xen.host import lab_and_host

if TYPE_CHECKING:
    from xentui.lab.lab import Lab
    from xentui.lab.xen.domains import SimDomain
    from xentui.lab.xen.host import SimHost

HELP = {
    "create": ("<ConfigFile> [options] [vars]", "Create a domain based on <ConfigFile>."),
    "destroy": ("<Domain>", "Terminate a domain immediately."),
    "list": ("[options] [Domain, ...]", "List information about all/some domains."),
    "migrate": ("<Domain> <Host>", "Migrate a domain to another machine."),
    "pause": ("<Domain>", "Pause execution of a domain."),
    "shutdown": ("<Domain> [-waRH]", "Shutdown a domain."),
    "unpause": ("<Domain>", "Unpause a paused domain."),
}

SHORT_HELP = (
    "Usage: xm <subcommand> [args]\n\nControl, list, and manipulate Xen guest instances.\n\n"
    "Common 'xm' commands:\n\n"
    + "".join(f" {c:<20} {d:<50}\n" for c, (_, d) in sorted(HELP.items()))
    + "\n<Domain> can either be the Domain Name or Id.\n"
    "For more help on 'xm' see the xm(1) man page.\n"
    "For more help on 'xm create' see the xmdomain.cfg(5)  man page.\n\n"
    "For a complete list of subcommands run 'xm help'.\n"
)


# xen/xm/migrate.py's options in declaration order, with the version that added each.
MIGRATE_OPTS = (
    ("help", (3, 0, 0)),
    ("live", (3, 0, 0)),
    ("resource", (3, 0, 0)),
    ("port", (3, 0, 4)),
    ("node", (3, 3)),
    ("ssl", (3, 3)),
    ("change_home_server", (4, 0)),
)


def usage(cmd: str) -> str:
    args, desc = HELP[cmd]
    return f"Usage: xm {cmd} {args}\n\n{desc}\n"


class XmText:
    """The version-dependent texts of one xm."""

    def __init__(self, version: str) -> None:
        self.version = version
        self.v = version_tuple(version)
        self.specified: dict[str, str] = {}
        """The migrate options given on the command line, as getopt returned their values."""

    def error(self, cmd: str, message: str, *, with_usage: bool = True) -> Out:
        show = with_usage and self.v >= (3, 0, 3)
        return Out(stdout=self.usage(cmd) if show else "", stderr=f"Error: {message}\n", rc=1)

    def usage(self, cmd: str) -> str:
        """cmdHelp(): for `migrate`, xm also prints ``str(gopts)``, which is each option's
        ``name=specified value`` (Opt.__repr__), not a help text."""
        if cmd != "migrate":
            return usage(cmd)
        names = [
            n
            for n, since in MIGRATE_OPTS
            if self.v >= since and not (n == "resource" and self.v >= (3, 3))
        ]
        return usage(cmd) + "".join(f"{n}={self.specified.get(n, 'None')}\n" for n in names)

    def no_domain(self, cmd: str, name: str) -> Out:
        if self.v < (3, 0, 2):
            return self.error(cmd, f"Domain '{name}' not found when running 'xm {cmd}'")
        if self.v < (3, 0, 3):
            text = (
                f"the domain '{name}' does not exist."
                if cmd == "migrate"
                else (f"<Fault 3: '{name}'>")
            )
            return self.error(cmd, text)
        return self.error(cmd, f"Domain '{name}' does not exist.")

    def arg_count(self, cmd: str, n: int) -> Out:
        return Out(
            stdout=self.usage(cmd),
            stderr=f"Error: 'xm {cmd}' requires {n} argument{'' if n == 1 else 's'}.\n\n",
            rc=1,
        )

    def cant_connect(self, errno: int, reason: str) -> str:
        """XendDomain.domain_migrate's text: err[1] up to 3.2, the whole exception from 3.3."""
        if self.v < (3, 3):
            return f"can't connect: {reason}"
        if self.v < (4, 0):
            return f"can't connect: ({errno}, '{reason}')"
        return f"can't connect: [Errno {errno}] {reason}"


async def xm(m: Machine, argv: list[str], stdin: Stdin) -> Out:
    lab, host = lab_and_host(m)
    text = XmText(host.xm_version)
    if len(argv) < 2 or argv[1] in ("help", "-h", "--help"):
        return Out(stdout=SHORT_HELP, rc=1 if len(argv) < 2 else 0)
    cmd, args = argv[1], argv[2:]
    handler = _SUBCOMMANDS.get(cmd)
    if handler is None:
        return Out(stdout=SHORT_HELP, stderr=f"Error: Subcommand {cmd} not found!\n", rc=1)
    return await handler(lab, host, text, args)


async def _list(lab: Lab, host: SimHost, text: XmText, args: list[str]) -> Out:
    long = any(a in ("-l", "--long") for a in args)
    names = [a for a in args if not a.startswith("-")]
    domains = list(host.domains)
    if names:
        picked = []
        for name in names:
            dom = host.find(name)
            if dom is None:
                return text.no_domain("list", name)
            picked.append(dom)
        domains = picked
    if long:
        out = ""
        for d in domains:
            out += (
                f"(domain\n    (domid {d.domid})\n    (name {d.name})\n    (memory {d.mem_mib})\n"
                f"    (vcpus {d.vcpus})\n    (state {d.flags()})\n"
                f"    (cpu_time {d.cpu_time():.6f})\n)\n"
            )
        return Out(stdout=out)
    return Out(stdout=xm_list(host.xm_version, domains))


async def _pause(lab: Lab, host: SimHost, text: XmText, args: list[str]) -> Out:
    return await _pause_or_unpause(lab, host, text, args, pause=True)


async def _unpause(lab: Lab, host: SimHost, text: XmText, args: list[str]) -> Out:
    return await _pause_or_unpause(lab, host, text, args, pause=False)


async def _pause_or_unpause(
    lab: Lab, host: SimHost, text: XmText, args: list[str], *, pause: bool
) -> Out:
    cmd = "pause" if pause else "unpause"
    dom = _one_guest(host, text, args, cmd)
    if isinstance(dom, Out):
        return dom
    # xend and the Xen <= 4.4 hypervisor: pause is idempotent, unpause of a running domain a no-op.
    lab.set_paused(host, dom, paused=pause)
    return Out()


async def _shutdown(lab: Lab, host: SimHost, text: XmText, args: list[str]) -> Out:
    return await _stop(lab, host, text, args, "shutdown")


async def _destroy(lab: Lab, host: SimHost, text: XmText, args: list[str]) -> Out:
    return await _stop(lab, host, text, args, "destroy")


async def _stop(lab: Lab, host: SimHost, text: XmText, args: list[str], cmd: str) -> Out:
    dom = _one_guest(host, text, [a for a in args if not a.startswith("-")], cmd)
    if isinstance(dom, Out):
        return dom
    await lab.stop_domain(host, dom)
    return Out()


def _one_guest(host: SimHost, text: XmText, names: list[str], cmd: str) -> SimDomain | Out:
    """The one domain ``cmd`` names, or xm's words for a wrong count, an unknown name or
    Domain-0 (which xm never pauses or stops)."""
    if len(names) != 1:
        return text.arg_count(cmd, 1)
    dom = host.find(names[0])
    if dom is None:
        return text.no_domain(cmd, names[0])
    if dom.dom0:
        return text.error(cmd, f"Cannot {cmd} privileged domain {names[0]}")
    return dom


async def _create(lab: Lab, host: SimHost, text: XmText, args: list[str]) -> Out:
    console = any(a in ("-c", "--console_autoconnect") for a in args)
    files = [a for a in args if not a.startswith("-") and "=" not in a]
    if not files:
        return text.error(
            "create", "Invalid arguments: []" if text.v < (3, 3) else "No config file given"
        )
    return await lab.create_guest(host, files[0], console=console, tool="xm")


async def _migrate(lab: Lab, host: SimHost, text: XmText, args: list[str]) -> Out:
    from xentui.lab.xen.migrate_cmd import xm_migrate

    return await xm_migrate(lab, host, text, args)


_SUBCOMMANDS = {
    "list": _list,
    "pause": _pause,
    "unpause": _unpause,
    "shutdown": _shutdown,
    "destroy": _destroy,
    "create": _create,
    "migrate": _migrate,
}
