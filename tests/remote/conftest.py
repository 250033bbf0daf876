"""Fixtures: a real OpenSSH sshd on loopback (skipped with the reason if missing, never in CI)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.need import missing
from tests.remote.sshd import RealSshd, sshd_missing


def _need_sshd() -> None:
    why = sshd_missing()
    if why is not None:
        missing(why)


@pytest.fixture
def sshd_factory(tmp_path: Path) -> Iterator[Callable[..., RealSshd]]:
    """Start real sshds (``host_key_type``, ``extra`` config lines); all stopped at the end."""
    _need_sshd()
    started: list[RealSshd] = []

    def make(**kw: object) -> RealSshd:
        d = tmp_path / f"sshd{len(started)}"
        sshd = RealSshd.start(d, **kw)  # type: ignore[arg-type]
        started.append(sshd)
        return sshd

    yield make
    for s in started:
        s.stop()


@pytest.fixture
def sshd(sshd_factory: Callable[..., RealSshd]) -> RealSshd:
    return sshd_factory()


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A HOME of the test's own: its ~/.ssh/config and known_hosts are what asyncssh reads."""
    h = tmp_path / "home"
    (h / ".ssh").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(h))
    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)
    return h
