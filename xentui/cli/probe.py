"""`xentui probe URL`: the stream probe without the app, one line (or JSON object) per second."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time

from xentui.cli import emit
from xentui.config import DEFAULT_BUFFER_S


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "probe",
        help="read a stream like a player and print bitrate, buffer, state and gaps",
        description="Read URL like a player with a buffer; print one line per second.",
    )
    p.add_argument("url", metavar="URL", help="the stream, e.g. http://virt_server:8888/x.ogg")
    p.add_argument(
        "--buffer", type=float, default=None, metavar="S", help="player buffer in seconds"
    )
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    p.add_argument("--duration", type=float, default=None, metavar="S", help="stop after S s")
    p.add_argument(
        "--bitrate", type=float, default=None, metavar="KBPS", help="for non-Ogg streams"
    )
    p.add_argument(
        "--unthrottled", action="store_true", help="read as fast as possible (no player)"
    )
    p.set_defaults(func=run)


def _buffer_s(args: argparse.Namespace) -> float:
    if args.buffer is not None:
        return args.buffer
    if getattr(args, "config", None):  # the lab file's [probe] buffer_s, when one was named
        from xentui.config import load_config

        return load_config(args.config).probe.buffer_s
    return DEFAULT_BUFFER_S


def run(args: argparse.Namespace) -> int:
    if args.buffer is not None and args.buffer <= 0:
        emit("xentui probe: --buffer must be > 0 seconds", file=sys.stderr)
        return 2
    from xentui.config import ConfigError
    from xentui.config_fields import FieldError, stream_url

    try:  # a URL that can never work is said once, not retried forever
        stream_url((), "URL", args.url)
    except FieldError as exc:
        emit(f"xentui probe: {exc.message}", file=sys.stderr)
        return 2
    try:
        buffer_s = _buffer_s(args)
    except ConfigError as exc:
        emit(f"xentui probe: {exc}", file=sys.stderr)
        return 2
    try:
        return asyncio.run(_main(args, buffer_s))
    except KeyboardInterrupt:
        return 130


def _line(summary: object, longest_ms: float, as_json: bool) -> str:
    from xentui.probe.monitor import ProbeSummary

    assert isinstance(summary, ProbeSummary)
    res = summary.resolution_s  # a shorter gap cannot be seen: "longest 0.0" is not "none"
    if as_json:
        return json.dumps(
            {
                "bitrate_kbps": round(summary.bitrate_kbps, 1),
                "buffer_s": round(summary.buffer_s, 3),
                "buffer_capacity_s": summary.buffer_capacity_s,
                "state": summary.state.value,
                "longest_gap_ms": round(longest_ms, 1),
                "resolution_ms": round(res * 1000, 1) if res is not None else None,
                "gaps": len(summary.gaps),
                "stalls": len(summary.stalls),
                "media_time_estimated": summary.media_time_estimated,
                "message": summary.message,
            }
        )
    est = "~" if summary.media_time_estimated else ""
    seen = f"{res * 1000:.0f}" if res is not None else "?"
    return (
        f"{summary.bitrate_kbps:8.1f} kbit/s  buffer {est}{summary.buffer_s:5.2f}"
        f"/{summary.buffer_capacity_s:g} s  {summary.state.value:<12} "
        f"gaps {len(summary.gaps):3d} longest {longest_ms:7.1f} ms "
        f"(sees > {seen} ms)  "
        f"stalls {len(summary.stalls)}  {summary.message}"
    )


async def _main(args: argparse.Namespace, buffer_s: float) -> int:
    from xentui.probe.monitor import StreamProbe

    probe = StreamProbe(
        args.url,
        buffer_s=buffer_s,
        player_mode=not args.unthrottled,
        fallback_kbps=args.bitrate,
    )
    probe.start()
    start = time.monotonic()
    try:
        while True:
            elapsed = time.monotonic() - start
            tick = int(elapsed) + 1  # lines on whole seconds since the start
            if args.duration is not None and tick > args.duration:
                await asyncio.sleep(max(0.0, args.duration - elapsed))
                break
            await asyncio.sleep(tick - elapsed)
            summary = probe.summary()
            longest = max((g.length_s for g in summary.gaps), default=0.0)
            emit(_line(summary, longest * 1000, args.json), flush=True)
    finally:
        await probe.close()
    return 0
