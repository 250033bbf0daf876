"""The ``local`` transport: the presenter sits on dom0, so commands run as child processes here."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import time
from collections.abc import Callable, Sequence

from xentui.config import HostConfig
from xentui.model import CommandResult
from xentui.remote.output import C_LOCALE, OUTPUT_CAP, Buffer, Collected, finish, sudo_argv
from xentui.tasks import stop_requested

_CHUNK = 65536


async def _drain(stream: asyncio.StreamReader | None, buf: Buffer) -> None:
    if stream is None:
        return
    while chunk := await stream.read(_CHUNK):
        buf.add(chunk)


class LocalRunner:
    """Runs argv directly (no shell), with the same cap, timeout and sudo rules as SSH."""

    connected = True

    def __init__(
        self,
        host: HostConfig,
        *,
        output_cap: int = OUTPUT_CAP,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.host = host.name
        self.config = host
        self._cap = output_cap
        self._clock = clock

    async def connect(self) -> None:
        """Nothing to open: present so callers can treat both transports alike."""

    async def run(
        self,
        argv: Sequence[str],
        *,
        timeout: float,
        input: str | None = None,
        on_start: Callable[[float], None] | None = None,
    ) -> CommandResult:
        argv = tuple(argv)
        full = sudo_argv(argv) if self.config.sudo else argv
        data = input.encode() if input is not None else None  # fails before anything starts
        started = self._clock()
        try:
            proc = await asyncio.create_subprocess_exec(
                *full,
                stdin=asyncio.subprocess.PIPE if input is not None else asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
                start_new_session=True,
                env={**os.environ, **C_LOCALE},
            )
        except OSError as exc:
            # a missing tool is the tool's failure here, like 'command not found' over SSH
            coll = Collected(self._cap)
            coll.exit_status = 127
            coll.err.add(f"{full[0]}: {exc.strerror}\n".encode())
            return finish(argv, coll, started, self._clock(), None, self.config.sudo)
        if on_start is not None:
            on_start(started)
        coll = Collected(self._cap)
        if data is not None and proc.stdin is not None:
            proc.stdin.write(data)
            with contextlib.suppress(OSError):
                await proc.stdin.drain()
            proc.stdin.close()
        readers = asyncio.gather(_drain(proc.stdout, coll.out), _drain(proc.stderr, coll.err))
        timed_out = False
        try:
            async with asyncio.timeout(timeout):
                await asyncio.shield(readers)
            coll.exit_status = await proc.wait()
        except TimeoutError:
            timed_out = True
        finally:
            if proc.returncode is None:
                # the whole process group: a hung tool's children must not outlive it
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(proc.pid, signal.SIGKILL)
                await proc.wait()
            readers.cancel()
            try:
                await readers
            except asyncio.CancelledError:
                if stop_requested():  # our own task was asked to stop, not just the readers
                    raise
            except Exception:  # a reader's error says nothing the result does not
                pass
        return finish(
            argv, coll, started, self._clock(), timeout if timed_out else None, self.config.sudo
        )

    async def close(self) -> None:
        """Nothing held open."""
