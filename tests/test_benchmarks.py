"""Every benchmark still runs and ends with its JSON line, at the smallest size it takes.

Nothing else runs them between sessions: a benchmark broken by a change (a stand-in missing a
field the UI now reads) would go unnoticed until someone needs its figures. These runs check
that the scripts work, never their figures: those are for the full runs, on a quiet machine.
"""

from __future__ import annotations

import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

BENCH = Path(__file__).parent.parent / "benchmarks"

QUICK = {
    "lab_start.py": ([], "start_under_1s"),
    "lab_migration.py": (["--fast"], "downtime_ms"),
    "reaction.py": ([], "median_ms"),
    "toolstack_parse.py": ([], "random_bytes"),
    "probe_cost.py": (["--seconds", "1"], "probe_cpu_pct"),
    "probe_player_cost.py": (["--seconds", "1"], "timestamps_cpu_pct"),
    "probe_memory.py": (["--minutes", "2"], "rss_growth_mb"),
    "tui_latency.py": (["--hosts", "2", "--domains", "3", "--presses", "6"], "p95_ms"),
    "duplicate_rows.py": (["--rows", "300", "--seconds", "1"], "ratio"),
    "soak.py": (["--migrations", "4"], "completed"),  # its exit status is its verdict: 0 = held
}
"""The rest (fanout, poll_cost, probe_accuracy, vm_migration) take minutes, a real sshd or
root and real VMs at full size; vm_migration runs its scenarios in tests/lab/vm/ instead."""


def test_every_benchmark_is_covered_or_named_as_long() -> None:
    long = {"fanout.py", "poll_cost.py", "probe_accuracy.py", "vm_migration.py"}
    assert {p.name for p in BENCH.glob("*.py")} == set(QUICK) | long


def _run(script: str) -> subprocess.CompletedProcess[str]:
    args, _key = QUICK[script]
    return subprocess.run(
        [sys.executable, str(BENCH / script), *args],
        capture_output=True,
        text=True,
        timeout=100,
    )


LONGEST_FIRST = (
    "soak.py", "tui_latency.py", "toolstack_parse.py", "probe_player_cost.py", "probe_cost.py",
    "duplicate_rows.py", "reaction.py", "probe_memory.py", "lab_start.py", "lab_migration.py",
)  # fmt: skip
"""The order the pool takes them in: the longest first, so that neither core idles at the end."""


@pytest.fixture(scope="module")
def runs() -> dict[str, subprocess.CompletedProcess[str] | BaseException]:
    """Every quick run, two at a time (this machine's cores), ~25 s instead of ~46 s. The runs
    are only checked to work and to print their figures, never judged on them, so sharing the
    CPU changes no verdict; the soak's exit status is a verdict, but of things a second busy
    core cannot move: every migration completed, no stall (its player holds 5 s of buffer), no
    error, and its RSS, fds and tasks back where they were."""
    assert sorted(LONGEST_FIRST) == sorted(QUICK)
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {s: pool.submit(_run, s) for s in LONGEST_FIRST}
    out: dict[str, subprocess.CompletedProcess[str] | BaseException] = {}
    for script, future in futures.items():
        error = future.exception()
        out[script] = error if error is not None else future.result()
    return out


@pytest.mark.parametrize("script", sorted(QUICK))
def test_benchmark_runs_and_prints_its_figures(
    script: str, runs: dict[str, subprocess.CompletedProcess[str] | BaseException]
) -> None:
    _args, key = QUICK[script]
    proc = runs[script]
    if isinstance(proc, BaseException):
        raise proc
    assert proc.returncode == 0, proc.stderr[-2000:]
    figures = json.loads(proc.stdout.strip().splitlines()[-1])
    assert key in figures, figures
