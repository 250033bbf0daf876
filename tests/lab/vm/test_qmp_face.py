"""The xm/xl face's rows without a QEMU: QMP run states in the simulated lab's format, read back by
the engine's own parsers; and the flags `xentui lab --vm` takes for it."""

from __future__ import annotations

import argparse
import os

import pytest

from xentui.cli.vmlab import check
from xentui.lab.vm.qemu_host import cpu_seconds, guest_row
from xentui.lab.vm.qemu_pair import xl_names, xm_names
from xentui.lab.xen.domains import domain0, xl_list, xm_list
from xentui.lab.xen.host import SimHost
from xentui.model import DomainState, MigrationRole
from xentui.toolstack.xl import Xl
from xentui.toolstack.xm import Xm

STATES = {
    "running": ("-b----", DomainState.BLOCKED),
    "paused": ("--p---", DomainState.PAUSED),
    "inmigrate": ("--p---", DomainState.PAUSED),
    "finish-migrate": ("---s--", DomainState.SHUTDOWN),
    "postmigrate": ("---s--", DomainState.SHUTDOWN),
}


@pytest.mark.parametrize("version", ["3.0.2", "3.0.3", "3.1", "4.4"])
def test_xm_list_of_qmp_states_reads_back_with_each_flag(version: str) -> None:
    rows = [domain0(1)]
    rows += [guest_row(f"g{i}", 3 + i, 128, s, 6.25) for i, s in enumerate(STATES)]
    listed = Xm().parse_list(xm_list(version, rows))
    assert listed.problems == ()
    by_name = {d.name: d for d in listed.domains}
    assert by_name["Domain-0"].state is DomainState.RUNNING
    for i, (flags, state) in enumerate(STATES.values()):
        d = by_name[f"g{i}"]
        assert (d.flags, d.state, d.id, d.mem_mib, d.vcpus) == (flags, state, 3 + i, 128, 1)
        assert d.cpu_s == pytest.approx(6.2, abs=0.06)


def test_a_waiting_destination_lists_as_the_simulated_targets_paused_domain() -> None:
    """The simulated target's incoming domain and a QEMU in ``inmigrate``: the same line."""
    host = SimHost("xen_host_2", 2, "127.0.0.3", clock=lambda: 0.0)
    sim = host.new_domain("virt_server", 128, paused=True)
    real = guest_row("virt_server", sim.domid, 128, "inmigrate", 0.0)
    for version in ("3.0.3", "3.3"):
        assert xm_list(version, [sim]) == xm_list(version, [real])
    assert xl_list([sim]) == xl_list([real])


def test_the_names_during_a_migration_are_the_ones_the_engine_follows() -> None:
    xm, xl = xm_names("virt_server"), xl_names("virt_server")
    assert Xm().split_name(xm.outgoing) == ("virt_server", MigrationRole.OUTGOING)
    assert Xm().split_name(xm.incoming) == ("virt_server", None)
    assert Xl().split_name(xl.incoming) == ("virt_server", MigrationRole.INCOMING)
    assert Xl().split_name(xl.transferred) == ("virt_server", MigrationRole.OUTGOING)
    rows = [domain0(2), guest_row(xl.incoming, 5, 128, "inmigrate", 0.0)]
    (_, guest) = Xl().parse_list(xl_list(rows)).domains
    assert (guest.base_name, guest.migration, guest.state) == (
        "virt_server",
        MigrationRole.INCOMING,
        DomainState.PAUSED,
    )


def test_xl_keeps_its_pause_count_while_qemu_is_stopped() -> None:
    assert guest_row("g", 3, 128, "paused", 0.0, pause_count=3).pause_count == 3
    assert guest_row("g", 3, 128, "paused", 0.0).pause_count == 1
    assert guest_row("g", 3, 128, "running", 0.0, pause_count=3).pause_count == 0


def test_cpu_time_is_the_processes_own() -> None:
    sum(i * i for i in range(300_000))  # some CPU of our own to read back
    assert cpu_seconds(os.getpid()) > 0.0
    assert cpu_seconds(2**22 + 1) == 0.0  # above pid_max's ceiling: no such process


def _args(**kw: object) -> argparse.Namespace:
    base = dict(toolstack="virsh", xm_version="3.0.3", vm_mem=128, link_mbit=100.0)
    base.update(fresh=False, speed=1.0, hosts=2)
    base.update(kw)
    return argparse.Namespace(**base)


def test_the_vm_lab_takes_xm_and_xl_and_refuses_the_rest_in_one_line() -> None:
    for tool in ("virsh", "xm", "xl"):
        assert check(_args(toolstack=tool)) is None
    for bad, words in (
        (_args(toolstack="xe"), "virsh, xm or xl"),
        (_args(toolstack="xm", xm_version="5.1"), "--xm-version 5.1"),
    ):
        said = check(bad)
        assert said is not None and words in said and "\n" not in said
