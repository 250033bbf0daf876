"""Shared fixtures: the embedded lab (contract 4, docs/ARCHITECTURE.md), fast enough for unit tests.

Other parts may add fixtures here; re-read the file before editing it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest

from xentui.lab import Lab, LabOptions

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
