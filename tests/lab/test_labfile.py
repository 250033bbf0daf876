"""The lab file is TOML that reads back exactly: quotes, control characters, any script."""

from __future__ import annotations

import asyncio
import dataclasses
import math
import os
import signal
import sys
import tomllib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xentui.config import load_config
from xentui.lab.labfile import render_lab_file, toml_float, toml_string

NASTY = ['a "quoted" name', "back\\slash", "tab\tnew\nline\r", "del\x7fnul\x00", "ü ☃ 😀 𝔵"]


@given(st.text())
def test_any_string_reads_back_exactly(value: str) -> None:
    assert tomllib.loads(f"k = {toml_string(value)}\n")["k"] == value


@given(st.floats())
def test_any_float_reads_back(value: float) -> None:
    back = tomllib.loads(f"k = {toml_float(value)}\n")["k"]
    assert (math.isnan(back) and math.isnan(value)) or back == value


def test_a_lone_surrogate_is_refused_in_one_line() -> None:
    with pytest.raises(ValueError, match="U\\+DC80"):
        toml_string("caf\udc80")


async def test_lab_file_keeps_every_name_exactly(lab) -> None:
    for name in NASTY:
        lab.options = dataclasses.replace(lab.options, guest_name=name)
        parsed = tomllib.loads(render_lab_file(lab, absolute=True))
        assert parsed["guest"]["name"] == name
        assert parsed["guest"]["identity_file"] == str(lab.client_key_path)
        assert [h["name"] for h in parsed["host"]] == lab.host_names


async def test_cli_lab_file_in_a_folder_with_any_characters(tmp_path) -> None:
    """`xentui lab --config-out` from a TMPDIR whose name needs escapes: the paths survive."""
    odd = tmp_path / 'labs "ü" \\ 😀 \x7f'
    odd.mkdir()
    out_file = odd / "lab.toml"
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "xentui", "lab", "--config-out", str(out_file),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        env={**os.environ, "TMPDIR": str(odd)},
    )  # fmt: skip
    try:
        lines: list[str] = []
        while not (lines and lines[-1].startswith("ready: ")):
            raw = await asyncio.wait_for(proc.stdout.readline(), 30)
            assert raw, f"lab exited early: {lines} {await proc.stderr.read()}"
            lines.append(raw.decode().rstrip("\n"))
        config = load_config(out_file)
        key = Path(config.hosts[0].ssh.identity_file)
        assert key.is_file() and key.parent.parent == odd
        own = load_config(key.parent / "xentui.toml")  # the lab's own file, relative paths
        assert own.hosts[0].ssh.port == config.hosts[0].ssh.port
    finally:
        proc.send_signal(signal.SIGTERM)
        rc = await asyncio.wait_for(proc.wait(), 30)
    assert rc == 0
