"""A real Icecast2 server on a loopback port, fed by ``ffmpeg -re`` from the lab's clip, or by a
source that changes songs: a chained Ogg stream sent at its media's pace, as ices does."""

from __future__ import annotations

import base64
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

from tests.need import missing

CONFIG = """<icecast>
  <location>loopback</location><admin>probe@localhost</admin>
  <limits><clients>10</clients><sources>2</sources><burst-size>16384</burst-size></limits>
  <authentication>
    <source-password>{password}</source-password>
    <admin-user>admin</admin-user><admin-password>{password}</admin-password>
  </authentication>
  <hostname>127.0.0.1</hostname>
  <listen-socket><port>{port}</port><bind-address>127.0.0.1</bind-address></listen-socket>
  <fileserve>0</fileserve>
  <paths>
    <basedir>{base}</basedir><logdir>{base}/log</logdir>
    <webroot>/usr/share/icecast2/web</webroot><adminroot>/usr/share/icecast2/admin</adminroot>
    <pidfile>{base}/icecast.pid</pidfile>
  </paths>
  <logging><accesslog>access.log</accesslog><errorlog>error.log</errorlog><loglevel>2</loglevel></logging>
  <security><chroot>0</chroot>{changeowner}</security>
</icecast>
"""
CHANGEOWNER = "<changeowner><user>nobody</user><group>nogroup</group></changeowner>"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_port(port: int, timeout: float) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"icecast2 did not listen on 127.0.0.1:{port} in {timeout} s")


class ChainSource(threading.Thread):
    """An Icecast source client that sends ``data`` (a chained Ogg stream, a link per song) by
    HTTP PUT, each byte when its media time ``media_at(offset)`` comes, as ices does: ffmpeg
    cannot relay a chain (its Ogg demuxer fails to replace the streams at a new link)."""

    LEAD_S = 0.5

    def __init__(
        self, port: int, mount: str, password: str, data: bytes, media_at: Callable[[int], float]
    ) -> None:
        super().__init__(name="icecast-chain-source", daemon=True)
        self.port, self.mount, self.password = port, mount, password
        self.data, self.media_at = data, media_at
        self.stop = threading.Event()
        self.sent = 0

    def run(self) -> None:
        auth = base64.b64encode(f"source:{self.password}".encode()).decode()
        head = (
            f"PUT {self.mount} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n"
            f"Authorization: Basic {auth}\r\nContent-Type: application/ogg\r\n"
            "Ice-Public: 0\r\n\r\n"
        )
        with socket.create_connection(("127.0.0.1", self.port), timeout=10) as sock:
            sock.sendall(head.encode())
            reply = sock.recv(1024)
            if b" 200 " not in reply.split(b"\r\n")[0]:
                raise RuntimeError(f"icecast2 refused the source: {reply[:200]!r}")
            start = time.monotonic()
            while self.sent < len(self.data) and not self.stop.is_set():
                due = start + self.media_at(self.sent) - self.LEAD_S
                self.stop.wait(max(0.0, due - time.monotonic()))
                piece = self.data[self.sent : self.sent + 1024]
                sock.sendall(piece)
                self.sent += len(piece)
            self.stop.wait(2.0)  # the last song plays out before the source leaves


class Icecast:
    """Starts icecast2 and one source (ffmpeg looping ``clip``, or ``chain``: a chained stream
    and its media time at each offset); ``url`` is the mount; ``close()`` stops both."""

    def __init__(
        self,
        clip: Path | None = None,
        mount: str = "/probe.ogg",
        chain: tuple[bytes, Callable[[int], float]] | None = None,
    ) -> None:
        tools = ("icecast2",) if chain is not None else ("icecast2", "ffmpeg")
        absent = [tool for tool in tools if shutil.which(tool) is None]
        if absent:
            missing(f"{' and '.join(absent)} not installed (apt-get install icecast2 ffmpeg)")
        self.port = _free_port()
        self.mount = mount
        self.url = f"http://127.0.0.1:{self.port}{mount}"
        # Not under pytest's tmp_path: its parents are 0700, and icecast2 drops to nobody.
        base = Path(tempfile.mkdtemp(prefix="xentui-icecast-"))
        (base / "log").mkdir()
        password = "probe-" + os.urandom(6).hex()
        root = os.geteuid() == 0
        if root:  # icecast2 refuses to run as root: it drops to nobody, who must write the logs
            shutil.chown(base, "nobody", "nogroup")
            shutil.chown(base / "log", "nobody", "nogroup")
            base.chmod(0o755)
        conf = base / "icecast.xml"
        conf.write_text(
            CONFIG.format(
                port=self.port,
                base=base,
                password=password,
                changeowner=CHANGEOWNER if root else "",
            )
        )
        self.base = base
        self.procs: list[subprocess.Popen[bytes]] = []
        self.source: ChainSource | None = None
        self.procs.append(
            subprocess.Popen(
                ["icecast2", "-c", str(conf)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
        )
        try:
            _wait_port(self.port, 10)
            if chain is not None:
                self.source = ChainSource(self.port, mount, password, *chain)
                self.source.start()
                self._wait_live(15)
                return
            assert clip is not None, "a clip or a chain to send"
            self.procs.append(
                subprocess.Popen(
                    [
                        "ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-re",
                        "-stream_loop", "-1", "-i", str(clip), "-c", "copy",
                        "-content_type", "application/ogg", "-f", "ogg",
                        f"icecast://source:{password}@127.0.0.1:{self.port}{mount}",
                    ],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                )
            )  # fmt: skip
            self._wait_live(15)
        except BaseException:
            self.close()
            raise

    def _wait_live(self, timeout: float) -> None:
        """Until the mount serves media: a listener that comes before the source gets a 404."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                with urllib.request.urlopen(self.url, timeout=2) as resp:
                    if resp.read(4096):
                        return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"icecast2 never served {self.url}: {self.errors()}")

    def errors(self) -> str:
        log = self.base / "log" / "error.log"
        return log.read_text(errors="replace")[-2000:] if log.exists() else ""

    def close(self) -> None:
        if self.source is not None:
            self.source.stop.set()
            self.source.join(5)
        for proc in reversed(self.procs):
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(5)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
            if proc.stderr:
                proc.stderr.close()
        self.procs.clear()
        shutil.rmtree(self.base, ignore_errors=True)
