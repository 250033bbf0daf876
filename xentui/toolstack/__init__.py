"""Toolstack adapters: xm (xend), xl (libxl) and virsh (libvirt), pure and I/O-free."""

from __future__ import annotations

from xentui.toolstack.base import Toolstack

TOOLSTACKS = ("xm", "xl", "virsh")


def get_toolstack(name: str) -> Toolstack:
    """The adapter for a toolstack named in the lab file."""
    if name == "xm":
        from xentui.toolstack.xm import Xm

        return Xm()
    if name == "xl":
        from xentui.toolstack.xl import Xl

        return Xl()
    if name == "virsh":
        from xentui.toolstack.virsh import Virsh

        return Virsh()
    raise ValueError(f"unknown toolstack {name!r}: expected one of {', '.join(TOOLSTACKS)}")
