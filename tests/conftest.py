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
def _user_dirs_in_tmp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The app, ctl and probe record every run in the user's state dir (issue 15), and the app
    remembers the theme in the user's config dir (issue 14.11): a test run and the commands it
    starts use their own tmp, and neither read the developer's nor write over it."""
    before = {name: os.environ.get(name) for name in ("XDG_STATE_HOME", "XDG_CONFIG_HOME")}
    for name in before:
        os.environ[name] = str(tmp_path_factory.mktemp(name.lower()))
    yield
    for name, value in before.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


# A migration of the fixture's guest takes about 1-2 s: small memory, fast link (200 Mbit/s: 16 MiB
# in ~0.7 s; the link only shortens time, never the logic, see LabOptions), sped-up clock. A test
# that needs a longer migration to act in asks for its own link_mbit (20, 40, or 100 below).
FAST = {"speed": 1.0, "link_mbit": 200.0, "transfer_mib": 16.0, "dirty_pages_per_s": 400.0}


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
