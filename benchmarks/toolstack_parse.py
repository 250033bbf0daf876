"""How fast the list parsers read hostile 10 MB outputs and a large real list, as a ratio
to ``str.splitlines()`` over the same text measured in the same run (the floor any line
parser pays). Last line: the figures as JSON."""

# ruff: noqa: UP031  (rows are rendered with xm's own % format string)

from __future__ import annotations

import contextlib
import json
import random
import time

from xentui.toolstack import get_toolstack
from xentui.toolstack.base import ListParseError

SIZE = 10 * 1024 * 1024
XM_HEAD = "%-40s %5s %5s %5s %10s %9s" % ("Name", "ID", "Mem", "VCPUs", "State", "Time(s)")
XM_ROW = "%(name)-40s %(domid)5s %(mem)5d %(vcpus)5d %(state)10s %(cpu_time)8.1f"


def blobs() -> dict[str, str]:
    rng = random.Random(7)
    rows = [
        XM_ROW % dict(name=f"guest{i}", domid=i, mem=512, vcpus=1, state="-b----", cpu_time=i / 3)
        for i in range(2000)
    ]
    return {
        "random_bytes": rng.randbytes(SIZE).decode("utf-8", "replace"),
        "newlines": "\n" * SIZE,
        "spaces": " " * SIZE,
        "one_long_line": "x" * SIZE,
        "header_then_junk": XM_HEAD + "\n" + "r----- 1.0\n" * (SIZE // 11),
        "xm_2000_domains": "\n".join([XM_HEAD, *rows]) + "\n",
    }


def best_of(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    figures: dict[str, dict[str, float]] = {}
    for name, text in blobs().items():
        baseline = best_of(text.splitlines)
        worst = 0.0
        for tool in ("xm", "xl", "virsh"):
            ts = get_toolstack(tool)

            def parse(ts=ts, text=text) -> None:
                with contextlib.suppress(ListParseError):
                    ts.parse_list(text)

            worst = max(worst, best_of(parse))
        ratio = worst / baseline if baseline > 0 else float("inf")
        figures[name] = {
            "parse_s": round(worst, 4),
            "splitlines_s": round(baseline, 4),
            "ratio": round(ratio, 2),
            "mb": round(len(text) / 1e6, 2),
        }
        print(f"{name:18s} parse {worst:.3f}s  splitlines {baseline:.3f}s  ratio {ratio:.2f}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
