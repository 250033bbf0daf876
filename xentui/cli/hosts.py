"""`xentui list` and `xentui ctl`: the hosts' lists and one action, headless, for scripts and SSH.

Exit 0 on success, 1 when the action failed, 2 for a lab-file or connection error.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import TYPE_CHECKING

from xentui.cli import EXIT_CONFIG, EXIT_OK, emit

if TYPE_CHECKING:
    from xentui.config import LabConfig
    from xentui.control.engine import Engine

FIRST_POLL_S = 15.0
"""How long the first list of each host may take (connect, host-key check, list)."""


def _common(p: argparse.ArgumentParser) -> None:
    # SUPPRESS: given before the subcommand, the top-level --config must survive
    p.add_argument("--config", metavar="FILE", default=argparse.SUPPRESS, help="the lab file")
    p.add_argument(
        "--trust-new-host-keys",
        action="store_true",
        help="accept and record host keys not yet in known_hosts (changed keys stay refused)",
    )


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("list", help="print each host's domains (exit 2 if a host is unreachable)")
    _common(p)
    p.add_argument("--json", action="store_true", help="one JSON object (a stable shape)")
    p.set_defaults(func=run_list)

    c = sub.add_parser("ctl", help="pause, unpause or live-migrate the guest and report")
    csub = c.add_subparsers(dest="action", metavar="ACTION", required=True)
    for name, text in (("pause", "pause the guest"), ("unpause", "unpause the guest")):
        a = csub.add_parser(name, help=text)
        _ctl_flags(a)
    m = csub.add_parser("migrate", help="migrate the guest to --to HOST and print the timeline")
    _ctl_flags(m)
    m.add_argument("--to", required=True, metavar="HOST", help="the target host (lab-file name)")
    m.add_argument("--no-live", dest="live", action="store_false", help="stop-and-copy")
    m.add_argument("--timeout", type=float, default=600.0, help="seconds to follow (600)")


def _ctl_flags(p: argparse.ArgumentParser) -> None:
    from xentui.cli.recording import add_flags

    _common(p)
    p.add_argument("--json", action="store_true", help="the result as one JSON object")
    add_flags(p)  # the run record, as the app keeps one (issue 15)
    p.set_defaults(func=run_ctl)


def _load(args: argparse.Namespace) -> LabConfig | None:
    from xentui.config import ConfigError, find_config, load_config

    try:
        return load_config(find_config(getattr(args, "config", None)))
    except (ConfigError, OSError) as exc:
        emit(f"xentui {args.command}: {exc}", file=sys.stderr)
        return None


def _engine(config: LabConfig, args: argparse.Namespace) -> Engine:
    from xentui.control.engine import Engine

    return Engine(config, trust_new_host_keys=args.trust_new_host_keys)


def run_list(args: argparse.Namespace) -> int:
    config = _load(args)
    return EXIT_CONFIG if config is None else asyncio.run(_list(config, args))


async def _list(config: LabConfig, args: argparse.Namespace) -> int:
    from xentui.control.listing import host_json, host_text

    async with _engine(config, args) as engine:
        await engine.refresh(timeout=FIRST_POLL_S, fresh=False)
        hosts = []
        for h in config.hosts:
            snap = engine.snapshots.get(h.name)
            hosts.append(
                host_json(
                    h.name,
                    h.toolstack,
                    reachable=engine.reachable(h.name),
                    error=engine.errors.get(h.name) or (None if snap else "no answer yet"),
                    latency_s=snap.latency_s if snap else None,
                    domains=snap.domains if snap else (),
                    notes=snap.notes if snap else (),
                    error_output=p.error_output if (p := engine.pollers.get(h.name)) else None,
                )
            )
    if args.json:
        emit(json.dumps({"hosts": hosts}, indent=2))
    else:
        emit("\n".join(line for h in hosts for line in host_text(h)))
    return EXIT_OK if all(h["reachable"] for h in hosts) else EXIT_CONFIG


def run_ctl(args: argparse.Namespace) -> int:
    from xentui.cli import ctl

    config = _load(args)
    return EXIT_CONFIG if config is None else ctl.run(args, config)
