"""`xentui list` and `xentui ctl` as scripts meet them: the JSON shape, exit codes, the timeline."""

from __future__ import annotations

import asyncio
import json
import re
import sys

from xentui.control.listing import DOMAIN_KEYS, HOST_KEYS

STATES = {"running", "blocked", "paused", "shutdown", "crashed", "dying"}
MILESTONE = re.compile(
    r"  \+ *(\d+\.\d{3}) s  ([a-z ]+?)(?:  \(\d+\.\d{3} s after the previous\))?"
)


async def xentui(*args: str, timeout: float = 60) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "xentui",
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        async with asyncio.timeout(timeout):
            out, err = await proc.communicate()
    except TimeoutError:
        proc.kill()
        await proc.wait()
        raise
    return proc.returncode or 0, out.decode(), err.decode()


async def test_list_json_has_the_stable_shape(lab) -> None:
    rc, out, err = await xentui("list", "--json", "--config", str(lab.config_path))
    assert rc == 0, err
    data = json.loads(out)
    assert list(data) == ["hosts"]
    assert [h["name"] for h in data["hosts"]] == ["xen_host_1", "xen_host_2"]
    for host in data["hosts"]:
        assert tuple(host) == HOST_KEYS
        assert host["toolstack"] == "xm" and host["reachable"] is True and host["error"] is None
        assert isinstance(host["latency_ms"], float) and host["latency_ms"] > 0
        for dom in host["domains"]:
            assert tuple(dom) == DOMAIN_KEYS
            assert dom["state"] in STATES and len(dom["flags"]) == 6
            assert dom["migration"] in (None, "outgoing", "incoming")
            assert isinstance(dom["id"], int) and isinstance(dom["cpu_s"], float)
    guest = next(d for d in data["hosts"][0]["domains"] if d["base_name"] == "virt_server")
    assert guest["name"] == "virt_server" and guest["migration"] is None
    assert guest["mem_mib"] == 128 and guest["vcpus"] == 1


async def test_config_before_the_subcommand_and_text_output(lab) -> None:
    rc, out, err = await xentui("--config", str(lab.config_path), "list")
    assert rc == 0, err
    assert out.startswith("xen_host_1 (xm): reachable") and "virt_server" in out


async def test_bad_lab_file_exits_2_with_one_line(tmp_path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[[host]]\nname = 1\n")
    rc, out, err = await xentui("list", "--config", str(bad))
    assert rc == 2 and out == "" and len(err.strip().splitlines()) == 1 and "bad.toml" in err


async def test_unreachable_host_exits_2_and_is_reported(lab) -> None:
    await lab.stop_host("xen_host_2")
    rc, out, _ = await xentui("list", "--json", "--config", str(lab.config_path))
    assert rc == 2
    hosts = {h["name"]: h for h in json.loads(out)["hosts"]}
    assert hosts["xen_host_1"]["reachable"] and not hosts["xen_host_2"]["reachable"]
    assert "refused" in hosts["xen_host_2"]["error"] and hosts["xen_host_2"]["domains"] == []


async def test_ctl_pause_twice_then_unpause(lab) -> None:
    cfg = str(lab.config_path)
    rc, out, err = await xentui("ctl", "pause", "--config", cfg)
    assert rc == 0 and "pause virt_server on xen_host_1: ok" in out, err
    rc, out, _ = await xentui("ctl", "pause", "--config", cfg)
    assert rc == 1 and "already paused" in out
    rc, out, _ = await xentui("ctl", "unpause", "--config", cfg)
    assert rc == 0 and ": ok" in out


async def test_ctl_migrate_prints_the_timeline(lab) -> None:
    rc, out, err = await xentui(
        "ctl", "migrate", "--to", "xen_host_2", "--config", str(lab.config_path)
    )
    assert rc == 0, out + err
    lines = out.splitlines()
    head = lines.index("live migration of virt_server: xen_host_1 -> xen_host_2")
    # each milestone as the timeline prints it: "  +  1.234 s  phase  (0.5 s after the previous)"
    steps = []
    for line in lines[head + 1 :]:
        if (m := MILESTONE.fullmatch(line)) is None:
            break
        steps.append((float(m[1]), m[2]))
    assert steps[0] == (0.0, "requested"), lines
    assert steps[-1][1] == "completed", lines
    assert [t for t, _ in steps] == sorted(t for t, _ in steps), lines
    assert "completed in" in out and lab.where_is_guest() == "xen_host_2"


async def test_ctl_migrate_to_an_unknown_host_fails_with_the_reason(lab) -> None:
    rc, out, err = await xentui(
        "ctl", "migrate", "--to", "nowhere", "--config", str(lab.config_path)
    )
    assert rc == 2 and out == "" and "--to 'nowhere': no host of that name" in err  # usage


async def test_unknown_host_key_exits_2_until_trusted(lab) -> None:
    import re

    folder = lab.config_path.parent
    fresh = folder / "fresh_known_hosts"
    cfg = folder / "fresh.toml"
    text = re.sub(r'known_hosts = "[^"]*"', f'known_hosts = "{fresh}"', lab.config_path.read_text())
    cfg.write_text(text)
    rc, out, _ = await xentui("list", "--json", "--config", str(cfg))
    assert rc == 2
    err = json.loads(out)["hosts"][0]["error"]
    assert "unknown" in err and "SHA256:" in err
    rc, _, stderr = await xentui("list", "--trust-new-host-keys", "--config", str(cfg))
    assert rc == 0, stderr
    assert fresh.read_text().count("\n") == 2
    rc, _, _ = await xentui("list", "--config", str(cfg))
    assert rc == 0
