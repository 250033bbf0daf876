"""Issue 10.2: the headless commands print a host's and a stream's hostile text inert.

Real peers: two hosts behind real OpenSSH sshds whose ``xm`` lists hostile domain names and fails
with the whole corpus on stderr, and an HTTP server answering a hostile reason phrase or
Content-Type. Each command's raw stdout and stderr bytes are held to ``assert_inert``: the CLI
prints plain text, so no ESC, C1, BEL, CR, bidi or zero-width character at all; JSON stays JSON
and still carries the exact text.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

import pytest

from tests.hostile import (
    CORPUS,
    HOSTILE_NAMES,
    MARKUP_LITERALS,
    REASON,
    HostileStream,
    assert_inert,
    hostile_lab_file,
)


async def xentui(*args: str) -> tuple[int, str, str]:
    """The command's exit code and its stdout and stderr, checked inert byte for byte."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "xentui", *args,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    return proc.returncode or 0, assert_inert(out, "stdout"), assert_inert(err, "stderr")


@pytest.fixture
def lab_file(sshd_factory, tmp_path: Path) -> str:
    return str(hostile_lab_file(tmp_path, sshd_factory(), sshd_factory(), "http://127.0.0.1:9/"))


async def test_list_shows_hostile_names_and_errors_escaped(lab_file: str) -> None:
    _, out, _ = await xentui("list", "--config", lab_file)
    for escaped in ("\\x9b2J", "abc\\u202egpj.exe", "\\u2066isolated\\u2069", "virt\\u200b_"):
        assert escaped in out, out
    assert "a\\u200db" in out and "\\ufeffbom" in out
    # the broken host's error, under its "!": the OSC that would retitle the terminal, spelt out
    assert "  ! Error: \\x1b]0;pwned\\x07\\x1b]52;c;" in out
    assert all(m in out for m in MARKUP_LITERALS)
    # --json stays JSON (ASCII, nothing raw beside it) and carries the exact names
    _, out, _ = await xentui("list", "--json", "--config", lab_file)
    hosts = {h["name"]: h for h in json.loads(out)["hosts"]}
    names = [d["name"] for d in hosts["evil"]["domains"]]
    assert names == ["Domain-0", "virt_server", *HOSTILE_NAMES]
    assert CORPUS["osc-title"] in hosts["broken"]["error"]


async def test_ctl_says_the_tools_failure_inert(lab_file: str) -> None:
    rc, out, _ = await xentui("ctl", "pause", "--config", lab_file)
    assert rc == 1
    assert out.startswith("pause virt_server on evil: FAILED: Error: \\x1b]0;pwned\\x07"), out
    assert "\\x9b2J" in out and "\\x00" in out and "\\u202e" in out


@pytest.mark.parametrize("flags", [(), ("-v",)])
async def test_check_shows_the_failed_lists_output_inert(lab_file: str, flags) -> None:
    rc, out, _ = await xentui("check", *flags, "--config", lab_file)
    assert rc == 1
    # the excerpt under the finding keeps its lines, but the CR that would overwrite one is shown
    assert "        | Error: \\x1b]0;pwned\\x07" in out and "all good\\roverwritten" in out
    assert "        | Usage: xm pause <Domain>" in out
    if flags:  # the passing host's finding names its domains, the hostile ones escaped
        assert "virt\\u200b_server" in out and "[bold red]x[/]" in out


async def test_check_json_carries_the_exact_text_in_ascii(lab_file: str) -> None:
    _, out, _ = await xentui("check", "--json", "--config", lab_file)
    assert out.isascii()
    hosts = json.loads(out)["steps"][0]
    found = next(f["found"] for f in hosts["findings"] if f["where"] == "broken")
    assert found.startswith("Error: " + CORPUS["osc-title"]) and CORPUS["rlo"] in found


@pytest.mark.parametrize(
    ("mode", "shown"),
    [
        ("reason", "HTTP 503 \\x1b]0;pwned\\x07\\x1b]52;c;cHduZWQ=\\x07\\x1b[2J\\x1b[H"),
        ("content_type", "HTML page (text/html; charset=\\x9b2Jabc\\u202egpj.exe\\u2066"),
    ],
)
async def test_probe_shows_the_servers_words_inert(mode: str, shown: str) -> None:
    async with HostileStream(mode) as server:
        # both at once: each is a probe of its own for 1.5 s, and the server answers each alike
        (_, out, _), (_, as_json, _) = await asyncio.gather(
            xentui("probe", server.url, "--duration", "1.5"),
            xentui("probe", server.url, "--duration", "1.5", "--json"),
        )
    assert shown in out, out
    assert all(m in out for m in MARKUP_LITERALS)
    message = json.loads(as_json.splitlines()[0])["message"]
    assert REASON in message if mode == "reason" else CORPUS["rlo"] in message
