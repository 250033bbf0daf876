"""The steps as data: one entry per seed step, each complete, prerequisites before dependents."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from xentui.config import GuestConfig, HostConfig, LabConfig, SshTarget
from xentui.setup.steps import build_steps


def config(toolstack: str) -> LabConfig:
    hosts = tuple(
        HostConfig(ssh=SshTarget(name=f"xen_host_{i}"), toolstack=toolstack) for i in (1, 2)
    )
    guest = GuestConfig("virt_server", "http://virt_server:8888/TruthHappens.ogg")
    return LabConfig(path=Path("x.toml"), guest=guest, hosts=hosts)


@pytest.mark.parametrize("toolstack", ["xm", "xl"])
def test_every_seed_step_is_there_and_complete(toolstack: str) -> None:
    steps = build_steps(config(toolstack))
    assert sorted({s.seed for s in steps}) == list(range(1, 10))
    # one number per row (issue 14.8): the seed's step 4 is two checks, 4a and 4b
    numbers = [s.number for s in steps]
    assert numbers == ["1", "2", "3", "4a", "4b", "5", "6", "7", "8", "9"]
    seen: set[str] = set()
    for step in steps:
        assert step.title and step.applies_to and step.seed_text
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", step.why.strip()) if s]
        assert 1 <= len(sentences) <= 2, step.why
        assert step.plan is not None or step.instructions, step.id
        assert set(step.requires) <= seen, f"{step.id} requires a later step"
        seen.add(step.id)
    assert len(seen) == len(steps)


def test_seed_lines_are_the_seeds_own() -> None:
    steps = {s.id: s for s in build_steps(config("xm"))}
    assert "(xend-relocation-server yes)" in steps["relocation"].seed_text
    assert "(xend-relocation-hosts-allow '')" in steps["relocation"].seed_text
    assert "/xen *(rw,sync,no_root_squash)" in steps["nfs-export"].seed_text
    assert "chkconfig nfs on" in steps["nfs-export"].seed_text
    assert steps["nfs-mount"].seed_text == "mount xen_host_1:/xen /xen"
    assert steps["guest-running"].seed_text == "xm create -c virt_server"
    xl = {s.id: s for s in build_steps(config("xl"))}
    assert "relocation-port" not in xl and "ssh" in xl["relocation"].why
