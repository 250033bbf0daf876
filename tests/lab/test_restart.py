"""Issue 10.5: a lab started again on its folder comes back where it was.

Before, every start drew new ports, host keys and a new guest address, so an app left running
on the lab file never got back in. Now a kept folder (``LabOptions.keep_state``, or
`xentui lab --config-out F` / ``--state-dir``) gives the same ports, keys and addresses, and a
port another program took meanwhile is named in one line and replaced.
"""

from __future__ import annotations

import asyncio
import signal
import socket
import sys
from pathlib import Path

from tests.conftest import FAST
from tests.control.conftest import connection, engine_factory  # noqa: F401 - fixture, used below
from xentui.config import load_config
from xentui.lab import Lab, LabOptions
from xentui.model import ConnectionState

KEPT = LabOptions(**FAST, keep_state=True, poll_interval_s=0.2)  # type: ignore[arg-type]


def where(lab: Lab) -> dict[str, object]:
    """What an app holds of a running lab: ports, host keys, client key, addresses."""
    return {
        "ssh_ports": {n: lab.ssh_port(n) for n in [*lab.host_names, lab.options.guest_name]},
        "known_hosts": lab.known_hosts_path.read_text(),
        "client_key": lab.client_key.export_public_key("openssh"),
        "guest_url": lab.guest_url,
        "guest_ip": lab.guest.ip,
        "lab_file": lab.config_path.read_text(),
    }


async def test_a_restarted_lab_keeps_its_place_and_the_engine_reconnects(
    tmp_path: Path,
    engine_factory,  # noqa: F811 - the fixture imported above
) -> None:
    first = Lab(KEPT, workdir=tmp_path / "lab")
    await first.start()
    try:
        before = where(first)
        assert first.config is not None and not first.state.resumed
        # retries at most 2 s apart: the second lab is up in well under that on a quiet machine,
        # and a loaded one (the whole suite) still sees several tries within the wait below
        engine, rec = await engine_factory(first.config, backoff_cap_s=2.0)
        assert engine.reachable("xen_host_1") and engine.reachable("xen_host_2"), engine.errors
    finally:
        await first.close()
    down = await rec.wait_for(connection("xen_host_1", ConnectionState.UNREACHABLE))

    second = Lab(KEPT, workdir=tmp_path / "lab")
    await second.start()
    try:
        assert second.state.resumed and second.state.notes == []
        assert where(second) == before
        # the engine still on the first lab's file: back in, the known host keys accepted. A
        # host whose next poll came after the restart reconnects without ever being marked
        # unreachable (no new CONNECTED event), so ask the engine, polling afresh, instead
        await rec.wait_for(connection("xen_host_1", ConnectionState.CONNECTED, down.t), timeout=40)
        deadline = asyncio.get_running_loop().time() + 40
        while True:
            await engine.refresh(timeout=10, fresh=True)
            if engine.reachable("xen_host_1") and engine.reachable("xen_host_2"):
                break
            assert asyncio.get_running_loop().time() < deadline, engine.errors
            await asyncio.sleep(0.5)
        assert engine.guest_host() == "xen_host_1", engine.errors
    finally:
        await second.close()


async def test_a_port_taken_meanwhile_is_said_and_replaced(tmp_path: Path) -> None:
    async with Lab(KEPT, workdir=tmp_path / "lab") as first:
        before = where(first)
    taken = before["ssh_ports"]["xen_host_1"]  # type: ignore[index]
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", taken))
        squatter.listen()
        async with Lab(KEPT, workdir=tmp_path / "lab") as second:
            after = where(second)
            notes = second.state.notes
    now = after["ssh_ports"]["xen_host_1"]  # type: ignore[index]
    assert now != taken
    assert notes == [f"xen_host_1's SSH port {taken} is taken by another program: now {now}"]
    for kept in ("guest_url", "client_key"):
        assert after[kept] == before[kept], kept
    assert after["ssh_ports"]["xen_host_2"] == before["ssh_ports"]["xen_host_2"]  # type: ignore[index]
    # the host keys are the same: only xen_host_1's port moved in known_hosts
    keys = lambda text: sorted(line.split(" ", 1)[1] for line in text.splitlines())  # noqa: E731
    assert keys(after["known_hosts"]) == keys(before["known_hosts"])  # type: ignore[arg-type]


async def test_an_unreadable_state_file_is_said_and_the_lab_starts_afresh(tmp_path: Path) -> None:
    folder = tmp_path / "lab"
    folder.mkdir()
    (folder / "lab-state.json").write_text("{not json", encoding="utf-8")
    async with Lab(KEPT, workdir=folder) as lab:
        assert not lab.state.resumed
        assert len(lab.state.notes) == 1 and "lab-state.json unreadable" in lab.state.notes[0]
        assert lab.config is not None


async def run_lab(out: Path) -> tuple[list[str], str]:
    """`xentui lab --config-out out` until ready, then SIGTERM: its lines and the lab file."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "xentui", "lab", "--config-out", str(out),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert proc.stdout is not None and proc.stderr is not None
    lines: list[str] = []
    try:
        while not (lines and lines[-1].startswith("ready: ")):
            raw = await asyncio.wait_for(proc.stdout.readline(), 30)
            assert raw, f"lab exited early: {lines} {await proc.stderr.read()}"
            lines.append(raw.decode().rstrip("\n"))
        text = out.read_text(encoding="utf-8")
    finally:
        proc.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(proc.wait(), 20) == 0
    return lines, text


async def test_the_lab_command_on_the_same_config_out_comes_back_the_same(tmp_path: Path) -> None:
    out = tmp_path / "lab.toml"
    first, text1 = await run_lab(out)
    state = tmp_path / "lab.toml.state"
    assert f"state: {state} (kept for the next start)" in first
    known1 = (state / "known_hosts").read_text()
    second, text2 = await run_lab(out)
    assert f"state: {state} (the same addresses, ports and keys as the last start)" in second
    assert text2 == text1  # ports, guest address, key paths
    assert (state / "known_hosts").read_text() == known1  # host keys
    config = load_config(out)
    assert config.hosts[0].ssh.identity_file == state / "client_key"
