"""Shared fixtures: the embedded lab (contract 4, docs/ARCHITECTURE.md), fast enough for unit tests.

Other parts may add fixtures here; re-read the file before editing it.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import pytest

from xentui.lab import Lab, LabOptions


@pytest.fixture(scope="session", autouse=True)
def _runs_recorded_in_tmp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The app, ctl and probe record every run in the user's state dir: a test run's records
    go to its own tmp, in this process and the commands it starts, not the developer's home."""
    before = os.environ.get("XDG_STATE_HOME")
    os.environ["XDG_STATE_HOME"] = str(tmp_path_factory.mktemp("state"))
    yield
    if before is None:
        os.environ.pop("XDG_STATE_HOME", None)
    else:
        os.environ["XDG_STATE_HOME"] = before


@pytest.fixture(scope="session", autouse=True)
def _settings_in_tmp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The app remembers the theme in the user's config dir (issue 14.11): a test run's app
    and commands neither read the developer's choice nor write over it."""
    before = os.environ.get("XDG_CONFIG_HOME")
    os.environ["XDG_CONFIG_HOME"] = str(tmp_path_factory.mktemp("config"))
    yield
    if before is None:
        os.environ.pop("XDG_CONFIG_HOME", None)
    else:
        os.environ["XDG_CONFIG_HOME"] = before


# A migration of the fixture's guest takes about 1-3 s: small memory, fast link, sped-up clock.
FAST = {"speed": 1.0, "link_mbit": 100.0, "transfer_mib": 16.0, "dirty_pages_per_s": 400.0}


@pytest.fixture
async def lab_factory(tmp_path) -> AsyncIterator[Callable[..., Awaitable[Lab]]]:
    """``await lab_factory(hosts=3, toolstack="xl", fresh=True, ...)``; all closed at the end."""
    labs: list[Lab] = []

    async def make(**kwargs: Any) -> Lab:
        opts = LabOptions(**{**FAST, **kwargs})
        lab = Lab(opts, workdir=tmp_path / f"lab{len(labs)}")
        labs.append(lab)
        await lab.start()
        return lab

    yield make
    for lab in reversed(labs):
        await lab.close()


@pytest.fixture
async def lab(lab_factory) -> Lab:
    """Two xm hosts (Xen 3.0.3), guest running on xen_host_1 and streaming, fast migrations."""
    return await lab_factory()
