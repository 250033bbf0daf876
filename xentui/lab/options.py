"""How to build a lab: the knobs of `xentui lab` and of the test fixtures, in one frozen record."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class LabOptions:
    """How to build a lab; ``speed`` and ``link_mbit`` only shorten time, never change the logic."""

    hosts: int = 2
    toolstack: str | tuple[str, ...] = "xm"
    """``xm`` or ``xl`` for every host, or one per host."""
    xm_version: str = "3.0.3"
    fresh: bool = False
    speed: float = 1.0
    link_mbit: float = 100.0
    dirty_pages_per_s: float = 200.0
    media: str = "video"
    guest_name: str = "virt_server"
    guest_mem_mib: int = 128
    """What `xm list` shows for the guest."""
    transfer_mib: float = 128.0
    """Guest memory the migration actually sends (small in tests)."""
    poll_interval_s: float = 1.0
    buffer_s: float = 5.0
    keep_state: bool = False
    """The lab's folder keeps its block, ports and keys: the next start there takes them again
    (issue 10.5: an app on the lab file reconnects to a restarted lab)."""

    def toolstack_of(self, index: int) -> str:
        if isinstance(self.toolstack, str):
            return self.toolstack
        return self.toolstack[(index - 1) % len(self.toolstack)]
