"""The engine with the `local` transport (xentui on dom0): its `xm` is a lab host's, via OpenSSH."""

from __future__ import annotations

import dataclasses
import shlex

from xentui.model import DomainState


def local_xm(tmp_path, lab, name: str) -> str:
    """A bin dir whose `xm` runs on the lab host: for this process, the lab host *is* dom0."""
    s = lab.config.host(name).ssh
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    ssh = shlex.join([
        "ssh", "-F", "/dev/null", "-o", "BatchMode=yes",
        "-o", f"UserKnownHostsFile={s.known_hosts}", "-i", str(s.identity_file),
        "-p", str(s.port), f"{s.user}@{s.address}",
    ])  # fmt: skip
    (bin_dir / "xm").write_text(f'#!/bin/bash\nexec {ssh} "xm $(printf \'%q \' "$@")"\n')
    (bin_dir / "xm").chmod(0o755)
    return str(bin_dir)


async def test_local_host_polls_and_pauses(lab, engine_factory, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("PATH", f"{local_xm(tmp_path, lab, 'xen_host_1')}:/usr/bin:/bin")
    local = dataclasses.replace(lab.config.host("xen_host_1"), transport="local")
    config = dataclasses.replace(lab.config, hosts=(local, lab.config.host("xen_host_2")))
    engine, _ = await engine_factory(config)
    assert engine.reachable("xen_host_1") and engine.guest_host() == "xen_host_1"
    assert (await engine.pause()).ok
    assert engine.snapshots["xen_host_1"].find("virt_server").state is DomainState.PAUSED
    assert (await engine.unpause()).ok
