"""The parsers against the lab's own renderings over real SSH (two independent codes, tied to
the same reference): every xm version the lab simulates, and xl."""

from __future__ import annotations

import pytest

from xentui.lab import Lab
from xentui.model import DomainState
from xentui.remote import make_runner
from xentui.toolstack import get_toolstack
from xentui.toolstack.base import UnknownDomain


async def _list_and_typo(lab: Lab, tool: str):
    host = lab.config.host("xen_host_1")
    runner = make_runner(host)
    ts = get_toolstack(tool)
    try:
        listed = await runner.run(ts.list_argv(), timeout=10)
        state = await runner.run(ts.state_argv("virt_server"), timeout=10)
        typo = await runner.run(ts.pause_argv("virt_sever"), timeout=10)
    finally:
        await runner.close()
    return ts, listed, state, typo


@pytest.mark.parametrize(
    ("tool", "version", "layout"),
    [
        ("xm", "3.0.2", "xm 3.0.0-3.0.2"),
        ("xm", "3.0.3", "xm 3.0.3"),
        ("xm", "3.1", "xm 3.0.4-3.1"),
        ("xm", "4.0", "xm 3.3-4.4"),
        ("xl", "3.0.3", "xl 4.1+"),
    ],
)
async def test_lab_lists_parse_cleanly(lab_factory, tool: str, version: str, layout: str) -> None:
    lab = await lab_factory(hosts=1, toolstack=tool, xm_version=version)
    ts, listed, state, typo = await _list_and_typo(lab, tool)
    assert listed.ok, listed.output
    result = ts.parse_list(listed.stdout)
    assert result.problems == () and result.layout == layout
    names = {d.name: d for d in result.domains}
    assert names["Domain-0"].id == 0
    guest = names["virt_server"]
    assert guest.active and guest.state in (DomainState.RUNNING, DomainState.BLOCKED)
    one = ts.parse_state("virt_server", state.stdout)
    assert one is not None and one.id == guest.id
    err = ts.parse_error(typo)
    assert isinstance(err, UnknownDomain) and err.domain == "virt_sever", typo.output
