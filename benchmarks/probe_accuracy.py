"""How exactly the probe times a halt of the lab guest's stream, against the server's ground truth.

For each clip (the default video, the 64 kbit/s audio, then a >= 500 kbit/s video made at
benchmark time) it streams from the lab's StreamServer into a StreamProbe in player mode,
injects halts of 50 ms to 3 s (log-spaced, shuffled), and compares every gap the probe
measured with the wire gap the server recorded
(``t_wire_quiet``..``t_resume``: from when its send queue ran empty to when it sent again). Then
a pause longer than the buffer: the player's stall must come when the buffers held at the halt
ran out, within one read step. Last line: the figures as JSON.

No shipped clip reaches 500 kbit/s, the rate issue 11.3's target is set at, and a large file is
not worth shipping for a benchmark: ``hi`` is the shipped video re-encoded by Debian's ffmpeg
(Theora at ``HI_THEORA``, its Vorbis copied) into a temporary directory, and served by the same
StreamServer as the others. Its figures carry the ``hi_`` prefix and its bitrate as measured.

``--ui-load`` (issue 11.3) runs every clip twice: headless, the probe on the benchmark's loop as
`xentui probe` runs it; then as the app runs it, the probe in its own thread (`ProbeThread`)
while the app paints 50 hosts x 20 domains polled once a second (tui_latency's stand-in) on the
main loop. The server then runs in a process of its own in both runs, as the lab does beside
the app: a paint must hold back neither the stream nor its ground truth, only the probe. It
prints both runs' figures and their ratio.

    .venv/bin/python benchmarks/probe_accuracy.py [--quick] [--halts N] [--ui-load]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import multiprocessing
import random
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from xentui.lab.streaming.media import media_path
from xentui.lab.streaming.stream import HaltRecord, StreamServer
from xentui.model import Gap, PlayerState
from xentui.probe.monitor import StreamProbe
from xentui.probe.runner import ProbeThread

BUFFER_S = 2.0
STEP = 512
HI_THEORA = "640k"
"""The ``hi`` clip's Theora bitrate: with the clip's 64 kbit/s Vorbis, ~700 kbit/s on the wire."""
HI_KBPS = 500.0
"""The rate the ``hi`` clip must reach for its figures to count (issue 11.3)."""


def make_hi_clip(out_dir: Path) -> Path:
    """The shipped video re-encoded at ``HI_THEORA`` (min = max, as scripts/make_media.sh makes
    the shipped clips steady), its Vorbis copied, its serials its own."""
    if shutil.which("ffmpeg") is None:
        raise SystemExit("ffmpeg is needed for the >= 500 kbit/s clip: apt-get install ffmpeg")
    out = out_dir / "TruthHappens-hi.ogg"
    rate = ["-b:v", HI_THEORA, "-minrate", HI_THEORA, "-maxrate", HI_THEORA]
    args = ["ffmpeg", "-nostdin", "-v", "error", "-y", "-i", str(media_path("video")), "-map", "0"]
    args += ["-c:v", "libtheora", *rate, "-flags:v", "+bitexact", "-c:a", "copy"]
    args += ["-fflags", "+bitexact", "-map_metadata", "-1", "-serial_offset", "3000", str(out)]
    subprocess.run(args, check=True, timeout=120)
    return out


def clip_kbps(path: Path) -> float:
    """A clip's own bitrate: its bytes over its duration (ffprobe reads the granules)."""
    probe = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", str(path)],
        check=True,
        capture_output=True,
        text=True,
        timeout=30,
    )
    return path.stat().st_size * 8 / float(probe.stdout) / 1000


def _p95(values: list[float]) -> float:
    if not values:
        return 0.0
    s = sorted(values)
    k = (len(s) - 1) * 0.95
    lo = int(k)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def _match(gaps: list[Gap], rec: HaltRecord) -> Gap | None:
    """The measured gap that ends at this halt's resume (the first arrival after it)."""
    assert rec.t_resume is not None
    near = [g for g in gaps if -0.002 <= g.end - rec.t_resume <= 0.05]
    return min(near, key=lambda g: abs(g.end - rec.t_resume), default=None)


async def _until_playing(probe: Any, timeout: float = 15.0) -> None:
    end = time.monotonic() + timeout
    while probe.summary().state is not PlayerState.PLAYING:
        if time.monotonic() > end:
            raise SystemExit(f"the probe never played: {probe.message}")
        await asyncio.sleep(0.05)


class LocalServer:
    """The lab's StreamServer on the benchmark's own loop (the headless figures, as before)."""

    def __init__(self, server: StreamServer) -> None:
        self.server, self.url = server, server.url

    def halt(self, why: str) -> None:
        self.server.halt(why)

    def resume(self, why: str) -> None:
        self.server.resume(why)

    def last_halt(self) -> HaltRecord:
        return self.server.halts[-1]


class ServerProcess:
    """The StreamServer in a process of its own, as the lab runs beside the app: a paint then
    holds back neither its writes nor its ground truth (one monotonic clock for both)."""

    def __init__(self, media: Path) -> None:
        ctx = multiprocessing.get_context("spawn")
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_child, args=(str(media), child), daemon=True)
        self.url = ""

    async def start(self) -> None:
        self.proc.start()
        self.url = await asyncio.to_thread(self.conn.recv)

    async def close(self) -> None:
        self.conn.send(("close", ""))
        await asyncio.to_thread(self.proc.join, 10)

    def _ask(self, cmd: str, arg: str = "") -> Any:
        self.conn.send((cmd, arg))
        return self.conn.recv()

    def halt(self, why: str) -> None:
        self._ask("halt", why)

    def resume(self, why: str) -> None:
        self._ask("resume", why)

    def last_halt(self) -> HaltRecord:
        return HaltRecord(*self._ask("last"))


def _child(media: str, conn: Connection) -> None:
    asyncio.run(_child_main(Path(media), conn))


async def _child_main(media: Path, conn: Connection) -> None:
    server = StreamServer("127.0.0.1", 0, media)
    await server.start()
    conn.send(server.url)
    done = asyncio.Event()

    def command() -> None:
        while conn.poll():
            cmd, arg = conn.recv()
            if cmd == "halt":
                server.halt(arg)
            elif cmd == "resume":
                server.resume(arg)
            elif cmd == "last":
                r = server.halts[-1]
                conn.send((r.why, r.t_halt, r.t_wire_quiet, r.t_resume, r.queued_at_halt))
                continue
            else:
                done.set()
                return
            conn.send(None)

    asyncio.get_running_loop().add_reader(conn.fileno(), command)
    await done.wait()
    await server.close()


@contextlib.asynccontextmanager
async def lab_stream(media: Path, own_process: bool) -> AsyncIterator[Any]:
    """The server of ``media``: on this loop, or in a process of its own."""
    if own_process:
        child = ServerProcess(media)
        await child.start()
        try:
            yield child
        finally:
            await child.close()
        return
    server = StreamServer("127.0.0.1", 0, media)
    await server.start()
    try:
        yield LocalServer(server)
    finally:
        await server.close()


async def run_clip(
    kind: str,
    halts: int,
    seed: int,
    *,
    media: Path | None = None,
    ui_load: bool = False,
    own_process: bool = False,
) -> dict[str, float]:
    """One clip's figures; ``media`` defaults to the shipped clip of ``kind``."""
    async with lab_stream(media or media_path(kind), own_process or ui_load) as server:
        if not ui_load:
            return await _measure(kind, halts, seed, server, None)
        from tui_latency import XentuiApp, config, load  # the 50-host stand-in

        app = XentuiApp(config(50), tick_s=1.0)
        async with app.run_test(size=(200, 50)):
            stop = asyncio.Event()
            painting = asyncio.create_task(load(app, 50, 20, stop, True))
            lag = asyncio.create_task(_loop_lag(lags := []))
            try:
                figures = await _measure(kind, halts, seed, server, app)
            finally:
                stop.set()
                lag.cancel()
                await painting
        figures["ui_loop_lag_p95_ms"] = round(_p95(lags), 1)
        figures["ui_loop_lag_max_ms"] = round(max(lags, default=0.0), 1)
        return figures


async def _loop_lag(lags: list[float], every_s: float = 0.01) -> None:
    """How late the UI loop runs a 10 ms timer: proof that the app really keeps it busy."""
    while True:
        t0 = time.monotonic()
        await asyncio.sleep(every_s)
        lags.append((time.monotonic() - t0 - every_s) * 1000)


async def _measure(kind: str, halts: int, seed: int, server: Any, app: Any) -> dict[str, float]:
    """Halts injected while the probe reads: on this loop, or (with an app) in its thread."""
    probe = StreamProbe(server.url, buffer_s=BUFFER_S, reader_options={"step": STEP})
    levels: list[tuple[float, float]] = []

    async def sample_levels() -> None:
        while True:
            levels.append((time.monotonic(), probe.buffer_level()))
            await asyncio.sleep(0.001)

    if app is None:
        probe.start()
        sampler = asyncio.create_task(sample_levels())
        ask: Callable[[Callable[[], Any]], Any] = lambda fn: fn()  # noqa: E731
        face: Any = probe
    else:
        face = runner = ProbeThread(probe)
        app.probe = app.main.probe = runner  # the app asks it for a summary every tick
        running = asyncio.create_task(runner.run(), name="probe thread")
        running.add_done_callback(lambda t: t.cancelled() or t.exception())
        await _until_playing(runner)
        assert runner.loop is not None
        sampled = asyncio.run_coroutine_threadsafe(sample_levels(), runner.loop)
        sampler = asyncio.ensure_future(asyncio.wrap_future(sampled))
        ask = runner.ask
    rng = random.Random(seed)
    lengths = [0.05 * (3.0 / 0.05) ** (i / max(1, halts - 1)) for i in range(halts)]
    rng.shuffle(lengths)
    rows = []
    kbps: list[float] = []
    try:
        await _until_playing(face)
        await asyncio.sleep(3.0)  # a history of normal arrivals, for the resolution
        for length in lengths:
            kbps.append(face.summary().bitrate_kbps)
            server.halt("bench")
            await asyncio.sleep(length)
            server.resume("bench")
            rec = server.last_halt()
            await asyncio.sleep(rng.uniform(2.5, 3.5))
            truth = (rec.t_resume - rec.t_wire_quiet) if rec.t_wire_quiet else 0.0
            gap = _match(ask(lambda: list(probe.player.gaps)), rec)
            rows.append((length, truth, gap, ask(lambda: probe.detector.resolution_s)))
        # the stall after a pause longer than the buffer
        stalls, after_halt = [], []
        for _ in range(1 if halts < 20 else 2):
            before = ask(lambda: len(probe.player.stalls))
            server.halt("pause")
            await asyncio.sleep(BUFFER_S + 2.0)
            server.resume("pause")
            rec = server.last_halt()
            await asyncio.sleep(BUFFER_S + 2.0)
            new = ask(lambda: list(probe.player.stalls))[before:]
            if rec.t_wire_quiet is None or not new:
                stalls.append(float("inf"))
                continue
            held = min(levels, key=lambda tl: abs(tl[0] - rec.t_wire_quiet))[1]
            stalls.append(new[0].start - (rec.t_wire_quiet + held))
            # the presenter's figure: the stall comes this long after the pause, and it should
            # be what the buffers held at the halt (app buffer + kernel queue) plus the bytes the
            # server itself still had unsent then (its own record, not the probe's)
            at_halt = min(levels, key=lambda tl: abs(tl[0] - rec.t_halt))[1]
            server_s = ask(lambda q=rec.queued_at_halt: probe.timeline.seconds_of(q))
            after_halt.append((new[0].start - rec.t_halt, at_halt, server_s))
        step_s = ask(lambda: probe.timeline.seconds_of(STEP))
    finally:
        sampler.cancel()
        await face.close()

    errors, missed, missed_above, below = [], 0, 0, 0
    for length, truth, gap, res in rows:
        status = "no wire gap" if truth <= 0 else "missed"
        if gap is not None and truth > 0:
            err = (gap.length_s - truth) * 1000
            errors.append(abs(err))
            status = f"{gap.length_s * 1000:8.1f} ms  err {err:+6.2f} ms"
        elif truth > 0:
            missed += 1
            missed_above += truth > res
        below += 0 < truth <= res
        print(
            f"{kind:5} halt {length * 1000:7.1f} ms  wire gap {truth * 1000:7.1f} ms  "
            f"res {res * 1000:5.1f} ms  measured {status}"
        )
    at_halt_errs = [after - at_halt - server_s for after, at_halt, server_s in after_halt]
    pauses = zip(stalls, after_halt, at_halt_errs, strict=False)
    for err, (after, at_halt, server_s), err_h in pauses:
        print(
            f"{kind:5} pause: stalled {after:.3f} s after the halt with {at_halt:.3f} s buffered"
            f" and {server_s * 1000:.0f} ms unsent by the server: {err_h * 1000:+.1f} ms;"
            f" vs the buffers held when the wire went quiet: {err * 1000:+.1f} ms"
        )
    resolution = statistics.median(r for *_, r in rows)
    return {
        "p95_ms": round(_p95(errors), 2),
        "max_ms": round(max(errors, default=0.0), 2),
        "median_ms": round(statistics.median(errors), 2) if errors else 0.0,
        "n": len(errors),
        "halts": len(rows),
        "missed": missed,
        "missed_longer_than_resolution": missed_above,
        "halts_within_resolution": below,
        "resolution_ms": round(resolution * 1000, 1),
        "stall_err_ms_max": round(max(abs(e) for e in stalls) * 1000, 1),
        "stall_err_at_halt_ms_max": round(max(abs(e) for e in at_halt_errs) * 1000, 1)
        if at_halt_errs
        else None,
        "stall_after_halt_s": round(after_halt[0][0], 3) if after_halt else None,
        "buffer_at_halt_s": round(after_halt[0][1], 3) if after_halt else None,
        "read_step_ms": round(step_s * 1000, 1),
        "kbps": round(statistics.median(kbps), 1) if kbps else 0.0,
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="6 halts per clip instead of 20")
    parser.add_argument("--halts", type=int, default=None)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--ui-load", action="store_true", help="again under a 50-host app")
    args = parser.parse_args()
    halts = args.halts or (6 if args.quick else 20)
    with tempfile.TemporaryDirectory(prefix="probe-accuracy-") as tmp:
        hi = make_hi_clip(Path(tmp))
        print(f"hi    clip: {hi.name}, {clip_kbps(hi):.0f} kbit/s (Theora {HI_THEORA} + Vorbis)")
        figures = await _run_all(halts, args.seed, hi, own_process=args.ui_load)
        if args.ui_load:
            print("--- again, the probe in its thread while the app paints 50 hosts ---")
            loaded = await _run_all(halts, args.seed, hi, ui_load=True)
            figures = _compare(figures, loaded)
    print(json.dumps(figures))


async def _run_all(halts: int, seed: int, hi: Path, **how: bool) -> dict[str, Any]:
    video = await run_clip("video", halts, seed, **how)
    audio = await run_clip("audio", halts, seed + 1, **how)
    high = await run_clip("hi", halts, seed + 2, media=hi, **how)
    figures = _figures(video, audio, high)
    for name, clip in (("video", video), ("audio", audio), ("hi", high)):
        print(
            f"{name:5} {clip['kbps']:6.1f} kbit/s  res {clip['resolution_ms']:5.1f} ms  gap error"
            f" p95 {clip['p95_ms']:5.2f} ms  max {clip['max_ms']:5.2f} ms  missed {clip['missed']}"
            f" ({clip['missed_longer_than_resolution']} longer than the resolution)"
        )
    return figures


def _compare(figures: dict[str, Any], loaded: dict[str, Any]) -> dict[str, Any]:
    """Headless beside ui-load, each gap figure with its ratio; the verdicts: under the app the
    gap targets still hold (the >= 500 kbit/s clip's p95 within 5 ms among them), and all of the
    targets, the stall's too."""
    for name in ("p95_ms", "max_ms", "audio_p95_ms", "audio_max_ms", "hi_p95_ms", "hi_max_ms"):
        ratio = loaded[name] / figures[name] if figures[name] else float("inf")
        print(
            f"{name:14} headless {figures[name]:6.2f}  ui-load {loaded[name]:6.2f}"
            f"  ratio {ratio:5.2f}"
        )
    print(f"hi_kbps        headless {figures['hi_kbps']:6.1f}  ui-load {loaded['hi_kbps']:6.1f}")
    return {
        "headless": figures,
        "ui_load": loaded,
        "ratio_p95": round(loaded["p95_ms"] / max(figures["p95_ms"], 0.01), 2),
        "ratio_audio_p95": round(loaded["audio_p95_ms"] / max(figures["audio_p95_ms"], 0.01), 2),
        "ratio_hi_p95": round(loaded["hi_p95_ms"] / max(figures["hi_p95_ms"], 0.01), 2),
        "ui_load_within_headless_target": loaded["targets_met"],
        # issue 11.3's figure: the gap error under the app, p95 <= 5 ms at >= 500 kbit/s
        "ui_load_gap_within_headless_target": loaded["gap_targets_met"],
    }


def _figures(video: dict[str, Any], audio: dict[str, Any], hi: dict[str, Any]) -> dict[str, Any]:
    figures = {
        **video,
        **{f"audio_{k}": v for k, v in audio.items()},
        **{f"hi_{k}": v for k, v in hi.items()},
    }
    # a halt whose wire gap is within the resolution cannot be seen (docs/stream.md): a 50 ms
    # halt of the video can leave a 21 ms wire gap at a 26 ms rhythm; every longer one counts
    figures["gap_targets_met"] = (
        video["missed_longer_than_resolution"] == 0
        and video["p95_ms"] <= 5
        and video["max_ms"] <= 10
        and audio["missed_longer_than_resolution"] == 0
        and audio["max_ms"] <= audio["resolution_ms"]
        and hi["missed_longer_than_resolution"] == 0
        and hi["kbps"] >= HI_KBPS
        and hi["p95_ms"] <= 5
        and hi["max_ms"] <= 10
    )
    figures["stall_targets_met"] = all(
        c["stall_err_ms_max"] <= c["read_step_ms"]
        and (c["stall_err_at_halt_ms_max"] or 0) <= c["read_step_ms"]
        for c in (video, audio, hi)
    )
    figures["targets_met"] = figures["gap_targets_met"] and figures["stall_targets_met"]
    return figures


if __name__ == "__main__":
    asyncio.run(main())
