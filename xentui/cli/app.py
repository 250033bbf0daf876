"""`xentui [--config F]`: the app on the hosts of a lab file; bad files, dead hosts in one line."""

from __future__ import annotations

import argparse
import asyncio
import sys

from xentui.cli import emit
from xentui.config import ConfigError, LabConfig, find_config, load_config

PREFLIGHT_S = 15.0


def run_app(args: argparse.Namespace) -> int:
    try:
        config = load_config(find_config(getattr(args, "config", None)))
    except ConfigError as exc:
        emit(f"xentui: {exc}", file=sys.stderr)
        return 2
    trust = bool(getattr(args, "trust_new_host_keys", False))
    problem = asyncio.run(preflight(config, trust_new_host_keys=trust))
    if problem is not None:
        emit(f"xentui: {problem}", file=sys.stderr)
        return 1
    return start(config, trust_new_host_keys=trust, args=args)


def start(
    config: LabConfig, *, trust_new_host_keys: bool = False, args: argparse.Namespace | None = None
) -> int:
    """Run the app on a loaded lab file until the presenter quits (recorded unless told not)."""
    from xentui.cli.recording import closed, open_recorder
    from xentui.config.settings import settings_path
    from xentui.tui.session import build_live_app, run_live

    # the app's event log hears the recorder's warning; stderr is the app's screen meanwhile
    recorder = open_recorder(args or argparse.Namespace(), "app", config, say=False)
    try:
        app = build_live_app(config, trust_new_host_keys=trust_new_host_keys, recorder=recorder)
        # --theme, else the lab file's, else the one chosen last; a choice is remembered (14.11)
        app.themes.use(settings_path(), getattr(args, "theme", None))
        asyncio.run(run_live(app))
    finally:
        closed(recorder)
    return 0


async def preflight(config: LabConfig, *, trust_new_host_keys: bool = False) -> str | None:
    """Reach the first host once before drawing anything: why not, in words, or None.

    A new host key is no reason to stop: the app shows it and asks whether to trust it.
    """
    from xentui.remote import HostKeyRejected, HostUnreachable, open_runner

    host = config.hosts[0]
    try:
        async with asyncio.timeout(PREFLIGHT_S):
            runner = await open_runner(host, trust_new_host_keys=trust_new_host_keys)
            await runner.close()
    except HostKeyRejected as exc:
        # a key never seen is the app's question to ask (its trust dialog); a changed one is not
        return None if not exc.changed else str(exc)
    except HostUnreachable as exc:
        return f"cannot reach {exc}"
    except TimeoutError:
        return f"cannot reach {host.name}: no answer within {PREFLIGHT_S:g} s"
    except OSError as exc:
        return f"cannot reach {host.name}: {exc}"
    return None


def add_theme_flag(p: argparse.ArgumentParser, *, top: bool = False) -> None:
    """``--theme NAME`` on the app and on `xentui demo` (as the record flags: a subcommand keeps
    what was said before it); remembered for the next start (issue 14.11)."""
    from xentui.config.ui import THEMES

    p.add_argument(
        "--theme",
        choices=THEMES,
        default=None if top else argparse.SUPPRESS,
        help="the app's colours (remembered; default: the lab file's theme, else the last one)",
    )
