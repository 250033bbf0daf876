"""`xl` on a simulated host (libxl, Xen 4.9-like): list, pause, unpause, migrate, create, stop.

Texts follow tools/xl at RELEASE-4.9.0 (github.com/xen-project/xen): pause counts on 4.5+
hypervisors, a failed unpause is only a libxl log line and xl still exits 0, and unknown options
exit 2.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from xentui.lab.machine.shell import Machine, Out, Stdin
from xentui.lab.xen.domains import xl_list
from xentui.lab.xen.host import lab_and_host

if TYPE_CHECKING:
    from xentui.lab.lab import Lab
    from xentui.lab.xen.domains import SimDomain
    from xentui.lab.xen.host import SimHost

HELP = {
    "list": ("[options] [Domain]", "List information about all/some domains."),
    "pause": ("<Domain>", "Pause execution of a domain."),
    "unpause": ("<Domain>", "Unpause a paused domain."),
    "migrate": ("[options] <Domain> <host>", "Migrate a domain to another host."),
    "create": ("<ConfigFile> [options] [vars]", "Create a domain from config file <filename>."),
    "shutdown": ("[options] <-a|Domain>", "Issue a shutdown signal to a domain."),
    "destroy": ("[options] <Domain>", "Terminate a domain immediately."),
}
# xl's getopt strings per subcommand (xl_cmdtable.c / main_*).
OPTS = {
    "list": "lvhZcn",
    "pause": "",
    "unpause": "",
    "migrate": "FC:s:epD",
    "create": "Fnqf:pcdeVA",
    "shutdown": "awRHF",
    "destroy": "f",
}
MAX_PAUSE = 255


def usage(cmd: str) -> str:
    args, desc = HELP[cmd]
    return f"Usage: xl [-v] {cmd} {args}\n\n{desc}\n\n"


def getopt(cmd: str, args: list[str], reqargs: int) -> tuple[dict[str, str], list[str]] | Out:
    """xl's def_getopt: unknown options and too few arguments both exit 2."""
    spec, opts, rest = OPTS[cmd], {}, []
    i = 0
    while i < len(args):
        a = args[i]
        if a in ("--debug", "--live", "--help") and cmd == "migrate":
            opts[a] = ""
        elif a.startswith("-") and len(a) > 1 and a != "--":
            for j, ch in enumerate(a[1:]):
                k = spec.find(ch)
                if k < 0 or ch == ":":
                    return Out(stderr=f"option `{ch}' not supported.\n", rc=2)
                if k + 1 < len(spec) and spec[k + 1] == ":":
                    value = a[2 + j :] or (args[i + 1] if i + 1 < len(args) else None)
                    if value is None:
                        return Out(stderr=f"option `{ch}' requires an argument.\n", rc=2)
                    opts[ch] = value
                    if not a[2 + j :]:
                        i += 1
                    break
                opts[ch] = ""
        else:
            rest.append(a)
        i += 1
    if len(rest) < reqargs:
        plural = "" if reqargs == 1 else "s"
        return Out(
            stdout=usage(cmd),
            stderr=f"'xl {cmd}' requires at least {reqargs} argument{plural}.\n\n",
            rc=2,
        )
    return opts, rest


def short_help() -> Out:
    """What a bare ``xl`` prints (and exits 1)."""
    text = "Usage xl [-vfNtT] <subcommand> [args]\n\nxl full list of subcommands:\n\n"
    text += "".join(f" {c:<20}{d}\n" for c, (_, d) in HELP.items())
    return Out(stdout=text, rc=1)


def invalid(name: str) -> Out:
    return Out(stderr=f"{name} is an invalid domain identifier (rc=-6)\n", rc=1)


async def xl(m: Machine, argv: list[str], stdin: Stdin) -> Out:
    lab, host = lab_and_host(m)
    if len(argv) < 2:
        return short_help()
    cmd, args = argv[1], argv[2:]
    if cmd not in HELP:
        return Out(stderr="command not implemented\n", rc=1)
    need = {"list": 0, "create": 0}.get(cmd, 2 if cmd == "migrate" else 1)
    parsed = getopt(cmd, args, need)
    if isinstance(parsed, Out):
        return parsed
    opts, rest = parsed
    if cmd == "list":
        domains = list(host.domains)
        if rest:
            dom = host.find(rest[0])
            if dom is None:
                return invalid(rest[0])
            domains = [dom]
        return Out(stdout=xl_list(domains))
    if cmd == "create":
        if not rest:
            return Out(stderr="Config file not specified\n", rc=1)
        return await lab.create_guest(host, rest[0], console="c" in opts, tool="xl")
    if cmd == "migrate":
        from xentui.lab.xen.xl_migrate import xl_migrate

        return await xl_migrate(lab, host, opts, rest)
    dom = host.find(rest[0])
    if dom is None:
        return invalid(rest[0])
    if cmd in ("shutdown", "destroy"):
        if dom.dom0:
            return Out(
                stderr="libxl: error: libxl_domain.c:1137:libxl_domain_destroy: "
                "Domain 0:Cannot destroy privileged domain\n",
                rc=1,
            )
        await lab.stop_domain(host, dom)
        return Out(stderr=f"Shutting down domain {dom.domid}\n" if cmd == "shutdown" else "")
    return _pause_unpause(lab, host, dom, cmd == "pause")


def _pause_unpause(lab: Lab, host: SimHost, dom: SimDomain, pause: bool) -> Out:
    refused = pause_refusal(dom, pause)
    if refused is not None:
        return refused
    count = dom.pause_count + (1 if pause else -1)
    lab.set_paused(host, dom, paused=count > 0, count=count)
    return Out()


def pause_refusal(dom: SimDomain, pause: bool) -> Out | None:
    """libxl's words when the hypervisor's pause count refuses (None: it goes ahead).

    main_pause/main_unpause ignore libxl's result: failures are log lines, the exit is 0.
    """
    if pause and dom.pause_count >= MAX_PAUSE:
        return Out(
            stderr=f"libxl: error: libxl_domain.c:583:libxl_domain_pause: "
            f"Domain {dom.domid}:Pausing domain: Value too large for defined "
            "data type\n"
        )
    if not pause and dom.pause_count == 0:
        return Out(
            stderr=f"libxl: error: libxl_domain.c:621:domain_unpause_done: "
            f"Domain {dom.domid}:Unpausing domain: Invalid argument\n"
        )
    return None
