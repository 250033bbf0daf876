"""`--record FILE` / `--no-record` reach the app from every way in (issue 15): `xentui demo`,
`xentui demo --vm` (which starts the app after the VM lab is up: the flags must survive the
trip) and `xentui serve` (each browser tab's app gets them on its command line). Parser-level:
no lab and no VM; the recorder they open is real and writes its header."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from xentui.cli import build_parser
from xentui.cli.recording import open_recorder
from xentui.cli.serve import command
from xentui.record.reader import read_run


@pytest.mark.parametrize(
    "argv",
    [
        ["demo", "--vm", "--record", "{f}"],
        ["--record", "{f}", "demo", "--vm"],
        ["demo", "--record", "{f}"],
    ],
)
def test_record_file_reaches_the_demos_app(tmp_path: Path, argv: list[str]) -> None:
    chosen = tmp_path / "talk.jsonl"
    args = build_parser("demo").parse_args([a.format(f=chosen) for a in argv])
    recorder = open_recorder(args, "app", None, say=False)
    assert recorder is not None
    recorder.close()
    assert recorder.path == chosen
    assert read_run(chosen).header.command == "app"


@pytest.mark.parametrize(
    "argv", [["demo", "--vm", "--no-record"], ["--no-record", "demo", "--vm"], ["demo"]]
)
def test_no_record_reaches_the_demos_app(argv: list[str]) -> None:
    args = build_parser("demo").parse_args(argv)
    if "--no-record" in argv:
        assert open_recorder(args, "app", None, say=False) is None
    else:  # without the flag the run is recorded (in the state dir: not opened here)
        assert not getattr(args, "no_record", False) and getattr(args, "record", None) is None


def test_serve_passes_the_flags_to_each_tabs_app(tmp_path: Path) -> None:
    f = str(tmp_path / "talk.jsonl")
    demo = build_parser("serve").parse_args(["--no-record", "serve", "--demo"])
    assert shlex.split(command(demo))[-3:] == ["xentui", "--no-record", "demo"]
    lab = build_parser("serve").parse_args(["--record", f, "serve", "--config", "lab.toml"])
    assert shlex.split(command(lab))[2:] == ["xentui", "--config", "lab.toml", "--record", f]
