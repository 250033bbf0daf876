"""`xentui serve`: the app in a browser (textual-serve), for a projector with no terminal.

Each browser tab runs the app as a child (``xentui [--config F]`` or ``xentui demo``) on a
terminal the page draws. Bound to 127.0.0.1 unless told otherwise: the page has no password,
and its keys pause and migrate the guest.
"""

from __future__ import annotations

import argparse
import ipaddress
import shlex
import sys

from xentui.cli import EXIT_CONFIG, EXIT_OK, emit

LOOPBACK = "127.0.0.1"


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "serve",
        help="serve the app to a browser (textual-serve), on 127.0.0.1 by default",
        description="Serve the app over HTTP; each browser tab runs its own app.",
    )
    p.add_argument("--host", default=LOOPBACK, help="address to bind (127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (8000)")
    p.add_argument("--demo", action="store_true", help="serve `xentui demo` (the embedded lab)")
    p.add_argument("--config", metavar="FILE", default=argparse.SUPPRESS, help="the lab file")
    p.set_defaults(func=run)


def loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def command(args: argparse.Namespace) -> str:
    """Each tab's command line: the same Python and xentui, the lab file, the record flags."""
    argv = [sys.executable, "-m", "xentui"]
    if getattr(args, "config", None):
        argv += ["--config", args.config]
    if getattr(args, "record", None):
        argv += ["--record", args.record]
    if getattr(args, "no_record", False):
        argv.append("--no-record")
    if args.demo:
        argv.append("demo")
    return shlex.join(argv)


def lab_file(args: argparse.Namespace) -> str | None:
    """Why the tabs could not start, checked once here (a tab only shows "Session ended"), or
    None; the file found is made absolute on ``args``, as the tabs may start elsewhere."""
    if args.demo:
        if getattr(args, "config", None):
            return "--demo starts its own lab: --config is for a lab that runs already"
        return None
    from xentui.config import ConfigError, find_config, load_config

    try:
        path = find_config(getattr(args, "config", None))
        load_config(path)
    except ConfigError as exc:
        return str(exc)
    args.config = str(path.resolve())
    return None


def run(args: argparse.Namespace) -> int:
    try:
        from xentui.cli.serve_tabs import TabServer
    except ImportError:
        emit("xentui serve: textual-serve is missing: pip install 'xentui[serve]'", file=sys.stderr)
        return EXIT_CONFIG
    problem = lab_file(args)
    if problem:
        emit(f"xentui serve: {problem}", file=sys.stderr)
        return EXIT_CONFIG
    if not loopback(args.host):
        emit(
            f"xentui serve: WARNING: binding to {args.host}: anyone who can reach port "
            f"{args.port} gets the app with no password, and its keys pause and migrate the "
            "guest. Use 127.0.0.1 and an SSH tunnel unless this network is yours alone.",
            file=sys.stderr,
        )
    emit(f"xentui serve: http://{args.host}:{args.port}/ runs: {command(args)}", file=sys.stderr)
    try:
        TabServer(command(args), host=args.host, port=args.port, title="xentui").serve()
    except OSError as exc:  # the port is taken, or the address is not this machine's
        emit(f"xentui serve: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}",
             file=sys.stderr)  # fmt: skip
        return EXIT_CONFIG
    return EXIT_OK
