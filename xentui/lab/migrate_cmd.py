"""`xm migrate` and `xl migrate`: placeholder until the engine (contract 5) lands."""

from __future__ import annotations

from typing import Any

from xentui.lab.shell import Out


async def xm_migrate(lab: Any, host: Any, text: Any, args: list[str]) -> Out:
    return Out(stderr="Error: can't connect: Connection refused\n", rc=1)


async def xl_migrate(lab: Any, host: Any, opts: Any, args: list[str]) -> Out:
    return Out(rc=1)


async def on_incoming(lab: Any, host: Any, inc: Any) -> None:
    return None
