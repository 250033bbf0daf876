"""The seed's preparation steps as data: why, the seed's own lines, where, the check, the fix.

"The seed" is the 2007 conference demo xentui replays (docs/ARCHITECTURE.md); the presenter
reads "the original demo". Its step 4 is checked in two parts, numbered 4a and 4b, so that every
row of the checklist has a number of its own and the counts add up.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from xentui.config import LabConfig
from xentui.setup import guest_steps, host_steps, relocation, ssh_trust, storage
from xentui.setup.context import Context
from xentui.setup.results import Finding, FixPlan

CheckFn = Callable[[Context], Awaitable[list[Finding]]]
PlanFn = Callable[[Context], Awaitable[FixPlan]]


@dataclass(frozen=True, slots=True)
class Step:
    id: str
    seed: int
    """The step's number in the seed's preparation list."""
    title: str
    why: str
    seed_text: str
    """The seed's exact commands or config lines."""
    applies_to: str
    check: CheckFn
    plan: PlanFn | None = None
    """None: the fix is for a person (``instructions``)."""
    instructions: str = ""
    requires: tuple[str, ...] = ()
    part: str = ""
    """``a``, ``b``: one of several checks of the same seed step (its 4 has two)."""

    @property
    def number(self) -> str:
        """What the presenter reads: ``3``, ``4a``; unique within a checklist."""
        return f"{self.seed}{self.part}"


def build_steps(config: LabConfig) -> list[Step]:
    """The checklist for this lab file, in the seed's order (prerequisites first)."""
    h = [host.name for host in config.hosts]
    first, others = h[0], ", ".join(h[1:]) or "(no other host)"
    guest, tool = config.guest.name, config.hosts[0].toolstack
    steps = [
        Step(
            "hosts",
            1,
            "Xen hosts answer over SSH",
            "Every command of the demo runs on the hosts over SSH; a host that does not answer "
            "its toolstack's list cannot show, pause or receive the guest.",
            "Install RHEL 5 with virtualization on both hosts.",
            ", ".join(h),
            host_steps.check_hosts,
            instructions="Install the OS with Xen on each host, start sshd, and make sure the "
            "lab file's address, port, user and key reach it.",
        ),
        Step(
            "guest-installed",
            2,
            f"{guest} is installed on {first}",
            "The demo migrates one paravirtualized guest; it must exist on the first host.",
            f"Install a paravirtualized RHEL 5 guest {guest} on {first}.",
            first,
            host_steps.check_guest_installed,
            instructions=f"Install the PV guest {guest} on {first} (virt-install): a judgment "
            "call xentui leaves to you.",
            requires=("hosts",),
        ),
        Step(
            "guest-config",
            3,
            f"{guest}'s config: no VNC, sdl=1",
            "The original demo found that this guest migrated only with its VNC console turned off "
            "and SDL on.",
            f"/etc/xen/{guest}: comment out vnc=1 and vncunused=1, add sdl=1",
            first,
            host_steps.check_guest_config,
            host_steps.plan_guest_config,
            requires=("guest-installed",),
        ),
    ]
    if tool == "xm":
        steps += [
            Step(
                "relocation",
                4,
                "xend relocation server open to the other hosts",
                "xm migrate sends the guest to the target's xend relocation port; out of the "
                "box it is off or lets only localhost in.",
                "#(xend-unix-server yes)\n(xend-relocation-server yes)\n"
                "(xend-relocation-port 8002)\n(xend-relocation-address '')\n"
                "(xend-relocation-hosts-allow '')\n"
                "#(xend-relocation-hosts-allow '^localhost$ ^localhost\\\\.localdomain$')\n"
                "service xend restart",
                ", ".join(h),
                relocation.check_xend,
                relocation.plan_xend,
                requires=("hosts",),
                part="a",
            ),
            Step(
                "relocation-port",
                4,
                f"{first} reaches the relocation port",
                "A setting is only a promise: this opens a real TCP connection from the source "
                "host to each target's relocation port.",
                "service xend restart",
                f"{first} → {others}",
                relocation.check_reach,
                relocation.plan_reach,
                requires=("relocation",),
                part="b",
            ),
        ]
    else:
        steps += [
            Step(
                "ssh-key",
                4,
                f"{first} has a root SSH key",
                f"{tool} migrate logs in to the target as root with a key; without one ssh "
                "asks for a password and the migration stops.",
                "(xl: no xend) ssh-keygen on the source host",
                first,
                ssh_trust.check_key,
                ssh_trust.plan_key,
                requires=("hosts",),
                part="a",
            ),
            Step(
                "relocation",
                4,
                f"{first} can ssh to the other hosts",
                f"{tool} migrate has no relocation server: it runs `ssh TARGET {tool} "
                "migrate-receive`, which must not stop at a password prompt.",
                "(xl: no xend) ssh-copy-id root@TARGET on the source host",
                f"{first} → {others}",
                ssh_trust.check_ssh,
                ssh_trust.plan_ssh,
                requires=("ssh-key",),
                part="b",
            ),
        ]
    steps += [
        Step(
            "nfs-export",
            5,
            f"{first} exports /xen over NFS",
            "Migration copies memory, not disks: the guest's disk must be on storage both "
            "hosts see at the same path.",
            "/etc/exports: /xen *(rw,sync,no_root_squash)\nservice nfs restart\nchkconfig nfs on",
            first,
            storage.check_export,
            storage.plan_export,
            requires=("hosts",),
        ),
        Step(
            "nfs-mount",
            6,
            f"/xen from {first} is mounted on {others}",
            "The target opens the guest's disk at the same path the source used.",
            f"mount {config.hosts[0].migration_target}:/xen /xen",
            others,
            storage.check_mount,
            storage.plan_mount,
            requires=("nfs-export",),
        ),
        Step(
            "guest-running",
            7,
            f"{guest} runs on {first}",
            "The demo starts with the guest on the first host; after a migration, the host it "
            "landed on will do (m takes it on from there).",
            f"{tool} create -c {guest}",
            first,
            host_steps.check_guest_running,
            host_steps.plan_guest_running,
            requires=("guest-config",),
        ),
        Step(
            "gnump3d",
            8,
            "gnump3d is installed in the guest",
            "gnump3d is the streaming server whose stream the audience watches survive.",
            "gnump3d-2.9.9.9.tar.bz2: make install",
            f"{guest} (over its own SSH)",
            guest_steps.check_installed,
            instructions=guest_steps.INSTALL_GNUMP3D,
            requires=("guest-running",),
        ),
        Step(
            "stream",
            9,
            "The stream answers",
            "The viewer opens this URL; it must answer 200 with Ogg or audio bytes, from the "
            "file in gnump3d's root.",
            f"mkdir /home/mp3\ncd /home/mp3\nwget -c {guest_steps.MEDIA_SOURCE}"
            f"{guest_steps.media_name(Context(config))}\ngnump3d &",
            f"{guest}, {config.guest.stream_url}",
            guest_steps.check_stream,
            guest_steps.plan_stream,
            requires=("gnump3d",),
        ),
    ]
    return steps
