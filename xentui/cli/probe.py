"""`xentui probe URL`: the stream probe without the app, one line (or JSON object) per second.

It ends with a summary line (with ``--json``, a last object with ``"summary": true``) and exits
1 when no stream ever played (refused, 404, a page instead of media), 0 when one did. Each line's
``interval_longest_gap_ms`` is the longest gap that ended in its own second (``longest_gap_ms``
is the run's); ``gaps`` counts only gaps longer than the stream's rhythm allows (at least 100 ms
and twice the resolution, ``probe.gaps.significant``), which the summary lists with their start
(docs/stream.md, "xentui probe --json"). What it
cannot know yet (the bitrate before any data, the shortest gap it can see before it has learnt
the stream's rhythm) is said in words, never as ``?`` or ``0.0``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from typing import TYPE_CHECKING

from xentui.cli import EXIT_FAILED, EXIT_OK, emit
from xentui.cli.probe_run import Run, estimate_words, summary_doc, summary_line
from xentui.config import DEFAULT_BUFFER_S

if TYPE_CHECKING:
    from xentui.probe.summary import ProbeSummary


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
    from xentui.cli.recording import add_flags

    add_flags(p)
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
    from xentui.config.fields import FieldError, stream_url

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


def _line(
    summary: ProbeSummary, run: Run, interval_s: float | None, as_json: bool, estimated: bool
) -> str:
    """One second as a line; ``interval_s``: the longest gap that ended since the line before;
    ``estimated``: data came and no Ogg clock reads it. ``gaps`` counts the significant gaps
    (longer than the stream's rhythm allows, ``gaps.significant``); the longest figures take
    every gap."""
    res = summary.resolution_s  # a shorter gap cannot be seen: "longest 0.0" is not "none"
    longest_ms = (run.longest_s or 0.0) * 1000
    now_ms = (interval_s or 0.0) * 1000
    count = len(run.significant)
    if as_json:
        return json.dumps(
            {
                "bitrate_kbps": round(summary.bitrate_kbps, 1)
                if any(p.nbytes for p in summary.points)
                else None,
                "buffer_s": round(summary.buffer_s, 3),
                "buffer_capacity_s": summary.buffer_capacity_s,
                "state": summary.state.value,
                "longest_gap_ms": round(longest_ms, 1),
                "interval_longest_gap_ms": round(now_ms, 1),
                "resolution_ms": round(res * 1000, 1) if res is not None else None,
                "gaps": count,
                "stalls": len(summary.stalls),
                "media_time_estimated": summary.media_time_estimated,
                "message": summary.message,
            }
        )
    est = "~" if estimated else ""
    if any(p.nbytes for p in summary.points):
        rate = f"{summary.bitrate_kbps:8.1f} kbit/s"
    else:  # nothing arrived in the window: not a bitrate of zero, no bitrate at all
        rate = "  no data arrives"
    if res is None:  # still learning the stream's rhythm, or not connected
        gaps = f"gaps {count:3d} (too early to tell how short a gap it sees)"
    else:
        gaps = (
            f"gaps {count:3d} longest {longest_ms:7.1f} ms, this second {now_ms:6.1f} ms"
            f" (sees > {res * 1000:.0f} ms)"
        )
    return (
        f"{rate}  buffer {est}{summary.buffer_s:5.2f}/{summary.buffer_capacity_s:g} s  "
        f"{summary.state.value:<12} {gaps}  stalls {len(summary.stalls)}  {summary.message}"
    )


async def _main(args: argparse.Namespace, buffer_s: float) -> int:
    from xentui.cli.recording import closed, open_recorder
    from xentui.probe.monitor import StreamProbe
    from xentui.record.tap import sample_summaries
    from xentui.tasks import cancel_and_wait

    probe = StreamProbe(
        args.url,
        buffer_s=buffer_s,
        player_mode=not args.unthrottled,
        fallback_kbps=args.bitrate,
    )
    run = Run(started=time.monotonic())
    probe.add_listener(run.hear)
    recorder = open_recorder(args, "probe", None)
    sampler = None
    if recorder is not None:
        probe.add_listener(recorder.on_event)
        sampler = asyncio.create_task(sample_summaries(probe, recorder), name="record probe")
    probe.start()
    summary: ProbeSummary | None = None
    try:
        while True:
            elapsed = time.monotonic() - run.started
            tick = int(elapsed) + 1  # lines on whole seconds since the start
            if args.duration is not None and tick > args.duration:
                await asyncio.sleep(max(0.0, args.duration - elapsed))
                break
            await asyncio.sleep(tick - elapsed)
            summary = probe.summary()
            run.note(summary)
            interval = run.take_gaps(summary)
            note = estimate_words(probe, args.bitrate)
            emit(_line(summary, run, interval, args.json, bool(note)), flush=True)
            if note and run.played and not run.estimated_said and not args.json:
                run.estimated_said = True
                emit(note, file=sys.stderr)
    finally:  # Ctrl-C too: the run is summed up before it ends
        note = estimate_words(probe, args.bitrate)
        doc = summary_doc(run, probe, probe.summary(), note)  # gaps after the last line too
        emit(json.dumps(doc) if args.json else summary_line(doc), flush=True)
        if sampler is not None:
            await cancel_and_wait([sampler])
        await probe.close()
        closed(recorder)
    return EXIT_OK if run.played else EXIT_FAILED
