"""RHEL 5's service scripts and NFS tools on a simulated host: xend, nfs, mount, exportfs, nc.

Daemons re-read their files only when restarted, and ``mount`` asks the other host over the
lab's own state, so every setup step fails and is repaired the way it would be on real hosts.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING

from xentui.lab.machine.shell import Handler, Machine, Out, Stdin
from xentui.lab.xen.host import SHARED, Mount, lab_and_host

if TYPE_CHECKING:
    from xentui.lab.xen.host import SimHost


def _status(label: str, ok: bool = True) -> str:
    """initscripts' echo_success/echo_failure: the verdict at column 60."""
    return f"{label:<59}[{'  OK  ' if ok else 'FAILED'}]\n"


async def service(m: Machine, argv: list[str], stdin: Stdin) -> Out:
    lab, host = lab_and_host(m)
    if len(argv) < 3:
        return Out(
            stdout="Usage: service < option > | --status-all | "
            "[ service_name [ command | --full-restart ] ]\n",
            rc=1,
        )
    name, action = argv[1], argv[2]
    if name == "xend":
        if action in ("restart", "start", "reload"):
            await lab.restart_xend(host)
            out = "" if action == "start" else _status("Stopping xend:")
            return Out(stdout=out + _status("Starting xend:"))
        if action == "status":
            return Out(stdout="xend daemon running\n")
        return Out(stdout="Usage: /etc/init.d/xend {start|stop|status|restart|reload}\n", rc=1)
    if name == "nfs":
        if action in ("restart", "start", "reload"):
            was = host.nfs_running
            text = ""
            if action != "start":
                for what in ("NFS mountd", "NFS daemon", "NFS quotas", "NFS services"):
                    text += _status(f"Shutting down {what}:", was)
            host.nfs_running = True
            host.reread_exports()
            for what in ("NFS services", "NFS quotas", "NFS daemon", "NFS mountd"):
                text += _status(f"Starting {what}:")
            return Out(stdout=text)
        if action == "stop":
            host.nfs_running = False
            host.exported = []
            return Out(stdout=_status("Shutting down NFS mountd:"))
        if action == "status":
            if host.nfs_running:
                return Out(
                    stdout="rpc.mountd (pid 2411) is running...\nnfsd (pid 2408) is running...\n"
                )
            return Out(stdout="rpc.mountd is stopped\nnfsd is stopped\n", rc=3)
        return Out(stdout="Usage: nfs {start|stop|status|restart|reload|condrestart}\n", rc=2)
    return Out(stderr=f"{name}: unrecognized service\n", rc=1)


async def chkconfig(m: Machine, argv: list[str], stdin: Stdin) -> Out:
    _, host = lab_and_host(m)
    args = argv[1:]
    if args[:1] == ["--list"]:
        names = args[1:] or ["nfs", "xend"]
        out = ""
        for name in names:
            if name not in ("nfs", "xend"):
                return Out(
                    stderr=f"service {name} supports chkconfig, but is not referenced in "
                    "any runlevel (run 'chkconfig --add {name}')\n",
                    rc=1,
                )
            on = host.nfs_on_boot if name == "nfs" else True
            levels = "".join(
                f"\t{lvl}:{'on' if on and lvl in (2, 3, 4, 5) else 'off'}" for lvl in range(7)
            )
            out += f"{name:<15}{levels}\n"
        return Out(stdout=out)
    if len(args) == 2 and args[0] in ("nfs", "xend") and args[1] in ("on", "off"):
        if args[0] == "nfs":
            host.nfs_on_boot = args[1] == "on"
        return Out()
    return Out(
        stderr="chkconfig version 1.3.30.1 - Copyright (C) 1997-2000 Red Hat, Inc.\n"
        "usage:   chkconfig --list [name]\n         chkconfig name <on|off|reset>\n",
        rc=2,
    )


async def exportfs(m: Machine, argv: list[str], stdin: Stdin) -> Out:
    _, host = lab_and_host(m)
    flags = "".join(a.lstrip("-") for a in argv[1:] if a.startswith("-"))
    if "r" in flags or "a" in flags:
        host.reread_exports()
    if "v" in flags or not flags:
        out = ""
        for e in host.exported:
            who, _, opts = e.clients.partition("(")
            who = "<world>" if who in ("*", "") else who
            shown = _export_flags(opts.rstrip(")"))
            out += f"{e.path:<14}\t{who}({shown})\n" if "v" in flags else f"{e.path:<14}\t{who}\n"
        return Out(stdout=out)
    return Out()


def _export_flags(opts: str) -> str:
    """How exportfs -v lists an entry's options: its own fixed order, defaults filled in."""
    given = {o.strip() for o in opts.split(",") if o.strip()}
    flags = ["rw" if "rw" in given else "ro"]
    if "async" in given:
        flags.append("async")
    if "no_wdelay" not in given and "async" not in given:
        flags.append("wdelay")
    flags.append("no_root_squash" if "no_root_squash" in given else "root_squash")
    if "all_squash" in given:
        flags.append("all_squash")
    return ",".join(flags)


async def mount(m: Machine, argv: list[str], stdin: Stdin) -> Out:
    lab, host = lab_and_host(m)
    args = [a for a in argv[1:] if not a.startswith("-")]
    if any(a.startswith("-t") for a in argv[1:]) and len(args) > 2:
        args = args[1:]  # `-t nfs` leaves its value among the words
    if not args:
        out = "/dev/mapper/VolGroup00-LogVol00 on / type ext3 (rw)\n"
        out += "proc on /proc type proc (rw)\nsysfs on /sys type sysfs (rw)\n"
        out += "devpts on /dev/pts type devpts (rw,gid=5,mode=620)\n"
        out += "/dev/sda1 on /boot type ext3 (rw)\ntmpfs on /dev/shm type tmpfs (rw)\n"
        out += "none on /proc/sys/fs/binfmt_misc type binfmt_misc (rw)\n"
        out += "sunrpc on /var/lib/nfs/rpc_pipefs type rpc_pipefs (rw)\n"
        out += "xenfs on /proc/xen type xenfs (rw)\n"
        for mt in host.mounts:
            out += f"{mt.source} on {mt.point} type nfs (rw,addr={lab.resolve(mt.server, host)})\n"
        return Out(stdout=out)
    if len(args) != 2 or ":" not in args[0]:
        return Out(stderr=f"mount: can't find {args[0]} in /etc/fstab or /etc/mtab\n", rc=1)
    source, point = args
    server, _, path = source.partition(":")
    if not host.vfs.is_dir(point):
        return Out(stderr=f"mount: mount point {point} does not exist\n", rc=32)
    if lab.resolve(server, host) is None:
        return Out(stderr=f"mount: can't get address for {server}\n", rc=32)
    if any(mt.point == host.vfs.norm(point) for mt in host.mounts):
        return Out(stderr=f"mount: {source} already mounted or {point} busy\n", rc=32)
    peer = lab.host_by_name(server)
    if peer is None or not peer.nfs_running:
        return Out(
            stderr=f"mount: mount to NFS server '{server}' failed: "
            "RPC Error: Program not registered.\n",
            rc=32,
        )
    if not any(e.path == path for e in peer.exported):
        return Out(
            stderr=f"mount: {source} failed, reason given by server: Permission denied\n", rc=32
        )
    host.mounts.append(Mount(source, host.vfs.norm(point), server))
    return Out()


async def umount(m: Machine, argv: list[str], stdin: Stdin) -> Out:
    _, host = lab_and_host(m)
    args = [a for a in argv[1:] if not a.startswith("-")]
    if not args:
        return Out(stderr="Usage: umount -h | -V\n", rc=1)
    for mt in list(host.mounts):
        if args[0] in (mt.point, mt.source):
            if mt.point == SHARED and lab_guest_uses(m, host):
                return Out(stderr=f"umount: {mt.point}: device is busy\n", rc=1)
            host.mounts.remove(mt)
            return Out()
    return Out(stderr=f"umount: {args[0]}: not mounted\n", rc=1)


def lab_guest_uses(m: Machine, host: SimHost) -> bool:
    lab = m.state
    return lab.guest.host is host


async def nc(m: Machine, argv: list[str], stdin: Stdin) -> Out:
    """netcat's port scan (``nc -z [-v] [-w S] HOST PORT``): a real TCP connect from this host."""
    lab, host = lab_and_host(m)
    args, verbose, wait = argv[1:], False, 5.0
    words: list[str] = []
    i = 0
    while i < len(args):
        a = args[i]
        if a == "-w" and i + 1 < len(args):
            with contextlib.suppress(ValueError):
                wait = float(args[i + 1])
            i += 2
            continue
        if a.startswith("-"):
            verbose = verbose or "v" in a
        else:
            words.append(a)
        i += 1
    if len(words) != 2 or not words[1].isdigit() or "-z" not in " ".join(args):
        return Out(
            stderr="usage: nc [-46DdhklnrStUuvzC] [-i interval] [-p source_port]\n"
            "\t  [-s source_ip_address] [-T ToS] [-w timeout] [-X proxy_version]\n"
            "\t  [-x proxy_address[:port]] [hostname] [port[s]]\n",
            rc=1,
        )
    name, port = words[0], int(words[1])
    ip = lab.resolve(name, host)
    if ip is None:
        return Out(stderr="nc: getaddrinfo: Name or service not known\n", rc=1)
    try:
        async with asyncio.timeout(wait):  # not wait_for: on 3.11 it can eat a cancel
            _, writer = await asyncio.open_connection(ip, port, local_addr=(host.ip, 0))
    except (OSError, TimeoutError) as e:
        reason = (
            "Connection refused"
            if isinstance(e, ConnectionRefusedError)
            else ("Connection timed out" if isinstance(e, TimeoutError) else e.strerror or str(e))
        )
        msg = f"nc: connect to {name} port {port} (tcp) failed: {reason}\n"
        return Out(stderr=msg if verbose else "", rc=1)
    writer.close()
    with contextlib.suppress(OSError):
        await writer.wait_closed()
    ok = f"Connection to {name} {port} port [tcp/*] succeeded!\n"
    return Out(stderr=ok if verbose else "")


COMMANDS: dict[str, Handler] = {
    "service": service,
    "chkconfig": chkconfig,
    "exportfs": exportfs,
    "mount": mount,
    "umount": umount,
    "nc": nc,
}
