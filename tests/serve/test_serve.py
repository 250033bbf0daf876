"""`xentui serve` for real (issue 15 item 4): the server as a child process on the embedded lab,
a headless Chromium on its page over the DevTools protocol. The page shows both hosts and the
stream, `p` typed in the page pauses the guest (the lab's own `xm list` says so over SSH), and
binding elsewhere than 127.0.0.1 warns before the server starts."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import sys
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp
import pytest

from tests.lab.helpers import ssh
from tests.need import missing
from tests.report import cdp
from tests.report.chromium import png_colours
from xentui.lab import Lab
from xentui.record.reader import read_run

pytestmark = pytest.mark.timeout(180)

# textual-serve draws the terminal on a WebGL or 2D canvas: document.body.innerText is empty
# (measured). Its xterm.js Terminal is local to the page's onload, held by the page's own class
# (the one that opens the websocket); that class is in the closure of window.onresize, so
# DevTools finds it there and its instances by their prototype (Runtime.queryObjects).
FIND_TERMINAL = "function () { window.__xentuiTerminal = this[0].terminal; return this.length }"
ROWS = """(() => { const b = window.__xentuiTerminal.buffer.active, rows = [];
  for (let i = 0; i < b.length; i++) rows.push(b.getLine(i).translateToString(true));
  return rows.join('\\n'); })()"""


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


STOP_S = 8.0
"""Ctrl-C to exit, tabs' apps included (measured 0.4-0.7 s)."""

IN_OWN_NETNS = ["unshare", "--net", "sh", "-c", 'ip link set lo up && exec "$@"', "sh"]
"""A network namespace of the test's own, only its loopback in it: 0.0.0.0 there reaches no
one outside, and `unshare` execs the server in place, so its pid names the namespace."""


async def answers(url: str, pid: int, netns: bool) -> bool:
    if netns:  # asked from inside the server's namespace, by a Python joined to it
        probe = "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)"
        join = ["nsenter", f"--net=/proc/{pid}/ns/net", sys.executable, "-c", probe, url]
        check = await asyncio.create_subprocess_exec(*join, stderr=asyncio.subprocess.DEVNULL)
        return await check.wait() == 0
    try:
        async with aiohttp.ClientSession() as http, http.get(url) as answer:
            return answer.status == 200
    except aiohttp.ClientConnectionError:
        return False


@asynccontextmanager
async def serving(
    *args: str, host: str, home: Path, netns: bool = False
) -> AsyncIterator[tuple[str, Path, int]]:
    """``xentui serve`` until its page answers; yields the URL, its output (stderr and stdout
    merged in the order written) and its pid; stops it with SIGTERM, as Ctrl-C would."""
    port, out = free_port("127.0.0.1" if netns else host), home / "serve.out"
    env = {**os.environ, "XDG_STATE_HOME": str(home / "state")}
    argv = [sys.executable, "-m", "xentui", *args, "--host", host, "--port", str(port)]
    with out.open("wb") as sink:
        proc = await asyncio.create_subprocess_exec(
            *(IN_OWN_NETNS if netns else []), *argv, stdout=sink, stderr=sink, env=env
        )
    url = f"http://{'127.0.0.1' if netns else host}:{port}/"
    try:
        for _ in range(200):
            assert proc.returncode is None, f"serve exited: {out.read_text()}"
            if await answers(url, proc.pid, netns):
                break
            await asyncio.sleep(0.1)
        else:
            raise AssertionError(f"{url} never answered: {out.read_text()}")
        yield url, out, proc.pid
    finally:
        asked = time.monotonic()
        if proc.returncode is None:
            proc.terminate()
        assert await asyncio.wait_for(proc.wait(), 60) == 0, out.read_text()
        took = time.monotonic() - asked  # with a tab open it was ~22 s before TabServer
        assert took < STOP_S, f"xentui serve took {took:.1f} s to stop: {out.read_text()}"


async def terminal_text(page: cdp.Page) -> str:
    if not await page.evaluate("window.__xentuiTerminal !== undefined"):
        resize = await page.call("Runtime.evaluate", expression="window.onresize")
        fn = resize["result"].get("objectId")
        if fn is None:  # until the page's onload ran (else textual-serve's page changed)
            return "(no window.onresize: the page's terminal is not set up)"
        inner = await page.call("Runtime.getProperties", objectId=fn, ownProperties=True)
        scopes = next(p for p in inner["internalProperties"] if p["name"] == "[[Scopes]]")
        chain = await page.call("Runtime.getProperties", objectId=scopes["value"]["objectId"])
        for scope in chain["result"]:
            names = await page.call("Runtime.getProperties", objectId=scope["value"]["objectId"])
            for var in names["result"]:
                text = var.get("value", {}).get("description", "")
                if text.startswith("class") and "websocket_url" in text and "terminal" in text:
                    proto = await page.call("Runtime.callFunctionOn",
                        objectId=var["value"]["objectId"],
                        functionDeclaration="function () { return this.prototype }")  # fmt: skip
                    found = await page.call("Runtime.queryObjects",
                        prototypeObjectId=proto["result"]["objectId"])  # fmt: skip
                    await page.call("Runtime.callFunctionOn",
                        objectId=found["objects"]["objectId"],
                        functionDeclaration=FIND_TERMINAL)  # fmt: skip
        if not await page.evaluate("window.__xentuiTerminal !== undefined"):
            return "(no instance of the page's terminal class)"
    return str(await page.evaluate(ROWS))


async def until_shown(page: cdp.Page, ok: Callable[[str], bool], why: str, timeout: float) -> str:
    deadline, text = time.monotonic() + timeout, ""
    while time.monotonic() < deadline:
        text = await terminal_text(page)
        if ok(text):
            return text
        await asyncio.sleep(0.25)
    raise AssertionError(f"the page never showed {why}; it showed:\n{text}")


async def guest_flags(lab: Lab) -> str:
    """The State column of virt_server in xen_host_1's own `xm list`, over real SSH."""
    listed = await ssh(lab, "xen_host_1", "xm list virt_server")
    assert listed.exit_status == 0, listed.stderr
    return str(listed.stdout).splitlines()[-1].split()[4]


def descendants(pid: int) -> list[int]:
    try:
        kids = [int(k) for k in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []
    return kids + [d for k in kids for d in descendants(k)]


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


async def test_the_page_shows_the_lab_and_p_pauses_the_guest(lab_factory, tmp_path) -> None:
    lab = await lab_factory(poll_interval_s=0.25)
    run = tmp_path / "run.jsonl"
    config = ["--config", str(lab.config_path), "--record", str(run)]
    # Ctrl-C on the server with the tab still open, as at the end of a talk: the browser
    # outlives the server, and the tab's app must not outlive it
    async with (
        cdp.browser(size=(1400, 860)) as page,
        serving(*config, "serve", host="127.0.0.1", home=tmp_path) as (url, out, pid),
    ):
        await page.call("Page.navigate", url=url)
        text = await until_shown(
            page,
            lambda t: all(w in t for w in ("xen_host_1 · xm · connected",
                "xen_host_2 · xm · connected", "virt_server", "kbit/s", "PLAYING")),
            "both hosts connected, the guest and the stream playing",
            timeout=60,
        )  # fmt: skip
        assert f"Stream · {lab.guest_url}" in text
        assert await guest_flags(lab) == "-b----"  # not paused before the key
        await page.evaluate("window.__xentuiTerminal.focus()")
        await page.key("p")
        deadline = time.monotonic() + 20
        while (flags := await guest_flags(lab)) != "--p---":
            assert time.monotonic() < deadline, f"xm list still says {flags}"
            await asyncio.sleep(0.2)
        await until_shown(page, lambda t: "paused --p---" in t, "the guest paused", 20)
        png = tmp_path / "serve.png"
        await page.screenshot(png)
        assert png_colours(png) > 20, "the screenshot is blank"
        tab = descendants(pid)
        assert tab, "the tab's app is not a child of the server"
    deadline = time.monotonic() + 2  # the server waited for them: gone, or a zombie, by now
    while left := [p for p in tab if alive(p)]:
        assert time.monotonic() < deadline, f"the tab's processes outlived the server: {left}"
        await asyncio.sleep(0.1)
    said = out.read_text()
    assert "xentui serve: WARNING" not in said and f"{url} runs: " in said
    assert read_run(run).header.command == "app"  # the tab's app had serve's --record


async def test_binding_beyond_loopback_warns_before_the_server_starts(tmp_path) -> None:
    if os.geteuid() != 0 or not (shutil.which("unshare") and shutil.which("nsenter")):
        missing("a network namespace of the test's own: root and util-linux's unshare, nsenter")
    flags = ["--no-record", "serve", "--demo"]  # no tab opens: no lab starts
    async with serving(*flags, host="0.0.0.0", home=tmp_path, netns=True) as (_, out, _):
        said = out.read_text()
    first = said.splitlines()[0]
    assert first.startswith("xentui serve: WARNING: binding to 0.0.0.0: anyone who can reach")
    assert "no password" in first and "pause and migrate the guest" in first
    assert said.index("WARNING") < said.index("Serving ")  # textual-serve's banner comes after


async def test_another_loopback_address_is_served_without_a_warning(tmp_path) -> None:
    """127.0.0.2 is this machine alone, as 127.0.0.1 is: nothing to warn about."""
    flags = ["--no-record", "serve", "--demo"]
    async with serving(*flags, host="127.0.0.2", home=tmp_path) as (url, out, _):
        assert url.startswith("http://127.0.0.2:")
    said = out.read_text()
    assert "xentui serve: WARNING" not in said and f"{url} runs: " in said


async def xentui_serve(*args: str) -> tuple[int, list[str], bytes]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "xentui", "serve", *args,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(proc.communicate(), 30)
    return await proc.wait(), err.decode().splitlines(), out


async def test_a_bad_lab_file_is_one_line_before_serving(tmp_path) -> None:
    bad = tmp_path / "lab.toml"
    bad.write_text("[[hosts]\n")
    code, lines, out = await xentui_serve("--config", str(bad), "--port", str(free_port()))
    assert code == 2 and out == b""
    assert len(lines) == 1 and lines[0].startswith(f"xentui serve: {bad}"), lines
    code, lines, _ = await xentui_serve("--demo", "--config", str(bad))
    assert code == 2 and lines == [
        "xentui serve: --demo starts its own lab: --config is for a lab that runs already"
    ]


async def test_a_port_in_use_is_one_line() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, lines, _ = await xentui_serve("--demo", "--port", str(port))
    assert code == 2 and lines[-1].startswith(f"xentui serve: cannot listen on 127.0.0.1:{port}: ")
    assert "address already in use" in lines[-1] and not any("Traceback" in x for x in lines)
