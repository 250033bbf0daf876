"""Issue 13.4: a checklist listener that raises is logged; the other views still hear every
result and the step still runs to its verdict (it used to stop both)."""

from __future__ import annotations

import logging

import pytest

from xentui.setup.checklist import Checklist
from xentui.setup.results import Status, StepResult


async def test_a_broken_listener_stops_neither_the_others_nor_the_step(
    lab, caplog: pytest.LogCaptureFixture
) -> None:
    heard: list[StepResult] = []

    def broken(result: StepResult) -> None:
        raise RuntimeError("a view gone")

    cl = Checklist(lab.config)
    cl.add_listener(broken)
    cl.add_listener(heard.append)
    try:
        with caplog.at_level(logging.ERROR, logger="xentui.setup.checklist"):
            result = await cl.run_step("hosts")
    finally:
        await cl.close()
    assert result.status is Status.PASSED, result
    assert [r.status for r in heard if r.step_id == "hosts"][-1] is Status.PASSED
    assert heard[-1] == result
    failed = [r for r in caplog.records if "checklist listener failed" in r.getMessage()]
    assert failed and all(r.exc_info and r.exc_info[0] is RuntimeError for r in failed)
