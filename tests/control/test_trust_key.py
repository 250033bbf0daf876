"""Trusting a host's new key from the app: only the key the presenter was shown is recorded."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from xentui.config import LabConfig
from xentui.model import ConnectionEvent, ConnectionState


def without_key(config: LabConfig, host: str, known_hosts: Path) -> LabConfig:
    """The lab file with ``host`` checked against an empty known_hosts: its key is new."""
    known_hosts.write_text("")
    hosts = tuple(
        dataclasses.replace(h, ssh=dataclasses.replace(h.ssh, known_hosts=known_hosts))
        if h.name == host
        else h
        for h in config.hosts
    )
    return dataclasses.replace(config, hosts=hosts)


def state_of(host: str, state: ConnectionState, after: float = 0.0):
    return lambda e: (
        isinstance(e, ConnectionEvent) and e.host == host and e.state is state and e.t > after
    )


async def test_only_the_key_shown_is_trusted(lab, engine_factory, tmp_path) -> None:
    known = tmp_path / "known_hosts"
    cfg = without_key(lab.config, "xen_host_2", known)
    engine, rec = await engine_factory(cfg, interval=0.2, backoff_cap_s=0.4)
    pending = engine.unknown_host_key("xen_host_2")
    assert pending is not None and not pending.changed
    assert pending.fingerprint.startswith("SHA256:") and pending.key_type.startswith("ssh-")
    assert pending.known_hosts == str(known)
    assert engine.unknown_host_key("xen_host_1") is None

    # the host now offers another key than the one the presenter checked: still refused
    before = engine.clock()
    engine.trust_host_key("xen_host_2", "SHA256:" + "A" * 43)
    await rec.wait_for(state_of("xen_host_2", ConnectionState.UNREACHABLE, before))
    assert known.read_text() == "" and not engine.reachable("xen_host_2")

    engine.trust_host_key("xen_host_2", pending.fingerprint)
    await rec.wait_for(state_of("xen_host_2", ConnectionState.CONNECTED))
    port = cfg.host("xen_host_2").ssh.port
    lines = known.read_text().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"[127.0.0.1]:{port} {pending.key_type} ")
    assert engine.unknown_host_key("xen_host_2") is None


async def test_no_dialog_when_no_file_can_record_the_key(lab, engine_factory, tmp_path) -> None:
    """known_hosts = /dev/null: a yes could not be kept, so none is asked; the reason says why."""
    cfg = without_key(lab.config, "xen_host_2", tmp_path / "known_hosts")
    hosts = tuple(
        dataclasses.replace(h, ssh=dataclasses.replace(h.ssh, known_hosts=Path("/dev/null")))
        if h.name == "xen_host_2"
        else h
        for h in cfg.hosts
    )
    engine, _ = await engine_factory(dataclasses.replace(cfg, hosts=hosts), interval=0.2)
    assert not engine.reachable("xen_host_2")
    assert engine.unknown_host_key("xen_host_2") is None
    failure = engine.pollers["xen_host_2"].failure
    assert failure is not None and "unknown" in str(failure)
    assert "/dev/null" in str(failure) and "lab file's known_hosts key" in str(failure)
