"""Chained Ogg test media made by Debian's ffmpeg at test time, and its ground truth.

A playlist or radio stream is one chained Ogg stream, a link per song, and the songs differ:
bitrate, sample rate, channels, audio alone or with video. Each link here is a separate ffmpeg
encode with serials of its own (``-serial_offset``), and the chain is their bytes one after the
other, as Icecast and ices send it. The truth is read with the tests' own page walker
(tests/lab/oggwalk.py) and the sample rate each link was made with, not with xentui's Ogg code.
"""

from __future__ import annotations

import bisect
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from tests.lab.oggwalk import links, walk
from tests.need import missing


@dataclass(frozen=True)
class Spec:
    """One link: ``rate`` Hz, ``channels``, the Vorbis bitrate asked for, and Theora's if any."""

    rate: int
    channels: int
    audio: str
    video: str | None = None
    noise: str = "pink"
    seconds: float = 5.0


PLAYLIST = (
    Spec(44100, 2, "56k"),  # ~55 kbit/s
    Spec(44100, 2, "160k", noise="white"),  # ~113: x2
    Spec(22050, 1, "56k"),  # ~60: x0.5, half the sample rate, mono
    Spec(44100, 2, "64k", video="40k"),  # Theora+Vorbis ~114: x2
    Spec(48000, 2, "64k"),  # ~64: x0.5, back to audio alone
)
"""Links that go up and down in bitrate (about x2 and x0.5) and change everything else."""


@dataclass(frozen=True)
class Link:
    """A link's truth: where its bytes are, and its duration from its own granules."""

    start: int
    size: int
    data_start: int
    """Where its first page with media begins (the header pages before it hold none)."""
    duration_s: float
    anchors: tuple[tuple[int, float], ...]
    """(end offset of a Vorbis page, the link's media seconds there), in stream order."""

    @property
    def kbps(self) -> float:
        """Its bytes over its duration, headers included."""
        return self.size * 8 / self.duration_s / 1000

    @property
    def rate(self) -> float:
        """Bytes per media second of its media pages: what a player reads once it plays."""
        return (self.end - self.data_start) / self.duration_s

    @property
    def end(self) -> int:
        return self.start + self.size


def encode(spec: Spec, serial: int, out: Path) -> bytes:
    """One link, encoded by ffmpeg into ``out``; Vorbis is always the last stream."""
    if shutil.which("ffmpeg") is None:
        missing("ffmpeg not installed (apt-get install ffmpeg)")
    noise = f"anoisesrc=d={spec.seconds}:c={spec.noise}:r={spec.rate}:a=0.3"
    args = ["ffmpeg", "-nostdin", "-v", "error", "-y"]
    if spec.video:
        args += ["-f", "lavfi", "-i", f"testsrc=d={spec.seconds}:s=160x120:r=25"]
    args += ["-f", "lavfi", "-i", noise, "-ac", str(spec.channels)]
    if spec.video:
        args += ["-c:v", "libtheora", "-b:v", spec.video]
    args += ["-c:a", "libvorbis", "-b:a", spec.audio, "-fflags", "+bitexact"]
    args += ["-serial_offset", str(serial), "-oggpagesize", "4096", str(out)]
    subprocess.run(args, check=True, timeout=60)
    return out.read_bytes()


def build(specs: tuple[Spec, ...], tmp: Path) -> tuple[bytes, list[Link]]:
    """The chained stream of ``specs`` and each link's truth."""
    data, truth = b"", []
    for i, spec in enumerate(specs):
        one = encode(spec, 1000 + 10 * i, tmp / f"link{i}.ogg")
        vorbis = 1000 + 10 * i + (1 if spec.video else 0)
        pages = walk(one)
        assert len(links(pages)) == 1 and all(p.crc_ok for p in pages)
        anchors = []
        data_start = len(data) + next(p.offset for p in pages if p.granule > 0)
        for p, nxt in zip(pages, [*pages[1:], None], strict=True):
            if p.serial == vorbis and p.granule > 0:
                end = nxt.offset if nxt is not None else len(one)
                anchors.append((len(data) + end, p.granule / spec.rate))
        truth.append(Link(len(data), len(one), data_start, anchors[-1][1], tuple(anchors)))
        data += one
    return data, truth


def media_at(truth: list[Link], offset: int) -> float:
    """The true media seconds of the stream up to byte ``offset``: the durations of the links
    before it, plus its own granule time, taken between Vorbis page ends by bytes."""
    before = 0.0
    for link in truth:
        if offset >= link.end:
            before += link.duration_s
            continue
        points = [(link.start, 0.0), (link.data_start, 0.0), *link.anchors]
        ends = [at for at, _ in points]
        i = max(1, bisect.bisect_left(ends, offset))
        (a0, s0), (a1, s1) = points[i - 1], points[min(i, len(points) - 1)]
        share = (offset - a0) / (a1 - a0) if a1 > a0 else 0.0
        return before + s0 + share * (s1 - s0)
    return before


def link_at(truth: list[Link], offset: int) -> int:
    """The index of the link that holds byte ``offset``."""
    return max(0, bisect.bisect_right([link.start for link in truth], offset) - 1)
