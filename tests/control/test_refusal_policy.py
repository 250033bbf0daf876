"""Issue 13.3: the refusal policy is a part of its own, read alone over plain host states.

The engine hands it a view of its pollers; here the same questions are asked of lists written
by hand, so each rule's words are checked without a lab, an sshd or a clock that moves.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from xentui.config import GuestConfig, HostConfig, LabConfig, SshTarget
from xentui.control.refusals import RefusalPolicy
from xentui.model import ActionKind, Domain, DomainState, HostSnapshot

GUEST = "virt_server"


def _snapshot(host: str, state: DomainState | None) -> HostSnapshot:
    domains = ()
    if state is not None:
        flags = "--p---" if state is DomainState.PAUSED else "-b----"
        domains = (Domain(GUEST, GUEST, 3, 512, 1, state, flags, 1.0),)
    return HostSnapshot(host=host, t=0.0, wall=0.0, latency_s=0.01, domains=domains)


@dataclass
class Seen:
    """The hosts as last listed: which answer, and where the guest runs."""

    stacks: dict[str, str]
    where: str | None = "a"
    state: DomainState = DomainState.RUNNING
    down: set[str] = field(default_factory=set)
    guest: str = GUEST

    def names(self) -> list[str]:
        return list(self.stacks)

    def guest_host(self) -> str | None:
        return self.where

    def reachable(self, host: str) -> bool:
        return host in self.stacks and host not in self.down

    @property
    def snapshots(self) -> Mapping[str, HostSnapshot]:
        return {h: _snapshot(h, self.state if h == self.where else None) for h in self.stacks}


def _policy(seen: Seen, busy: dict[str, tuple[ActionKind, float]] | None = None) -> RefusalPolicy:
    hosts = tuple(
        HostConfig(ssh=SshTarget(name=h), toolstack=stack) for h, stack in seen.stacks.items()
    )
    guest = GuestConfig(name=GUEST, stream_url="http://127.0.0.1:9/none.ogg")
    config = LabConfig(path=Path("/tmp/lab.toml"), guest=guest, hosts=hosts)
    return RefusalPolicy(config, seen, busy if busy is not None else {}, clock=lambda: 12.5)


def test_a_free_running_guest_may_pause_and_migrate() -> None:
    policy = _policy(Seen({"a": "xm", "b": "xm"}))
    assert policy.why_not(ActionKind.PAUSE) is None
    assert policy.why_not(ActionKind.MIGRATE) is None
    assert policy.why_not(ActionKind.MIGRATE, "b") is None
    assert policy.why_not(ActionKind.UNPAUSE) == f"{GUEST} is not paused on a"


def test_the_running_action_is_read_live_from_the_runners_dict() -> None:
    busy: dict[str, tuple[ActionKind, float]] = {}
    policy = _policy(Seen({"a": "xm", "b": "xm"}), busy)
    assert policy.why_not(ActionKind.PAUSE) is None
    busy[GUEST] = (ActionKind.MIGRATE, 10.0)
    assert policy.why_not(ActionKind.PAUSE) == f"a migrate of {GUEST} is still running (2.5 s)"


def test_each_host_rule_in_its_own_words() -> None:
    seen = Seen({"a": "xm", "b": "xl", "c": "xm"}, state=DomainState.PAUSED, down={"c"})
    policy = _policy(seen)
    assert policy.why_not(ActionKind.PAUSE) == f"{GUEST} is already paused on a"
    assert policy.why_not(ActionKind.MIGRATE, "a") == f"{GUEST} is already on a"
    assert policy.why_not(ActionKind.MIGRATE, "z") == "no host named 'z' in the lab file"
    assert policy.why_not(ActionKind.MIGRATE, "c") == "c is unreachable"
    apart = "a runs xm and b runs xl: they cannot migrate to each other"
    assert policy.why_not(ActionKind.MIGRATE, "b") == apart
    assert policy.why_not(ActionKind.MIGRATE) == "c is unreachable"  # the only xm peer is down
    seen.where = None
    assert policy.why_not(ActionKind.PAUSE) == f"{GUEST} is not running on any reachable host"
