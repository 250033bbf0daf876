"""Issue 11.5 end to end: `xentui list` through a real OpenSSH sshd whose `xm` prints what real
hosts print (docs/formats.md): a blank State just after `xm create`, and a list a wrapper
filtered of its header."""

from __future__ import annotations

import json

from tests.control.test_cli_hosts import xentui

# xm 3.3-4.4 xm_brief_list (tools/python/xen/xm/main.py): the header '%-40s %5s %5s %5s %10s
# %9s' and rows "%(name)-40s %(domid)5s %(mem)5d %(vcpus)5d %(state)10s %(cpu_time)8.1f", the
# state from get_info('state', str, ''): ten blanks for a domain in transition
HEADER = "printf '%-40s %5s %5s %5s %10s %9s\\n' Name ID Mem VCPUs State 'Time(s)'\n"
ROWS = (
    "printf '%-40s %5s %5d %5d %10s %8.1f\\n' Domain-0 0 1024 2 r----- 123.4\n"
    "printf '%-40s %5s %5d %5d %10s %8.1f\\n' virt_server 7 128 1 '' 0.0\n"
)


def lab_file(path, hosts) -> None:
    lines = [
        "poll_interval_s = 0.5",
        "[guest]",
        'name = "virt_server"',
        'stream_url = "http://127.0.0.1:9/x.ogg"',
    ]
    for name, sshd in hosts:
        t = sshd.target(name)
        lines += [
            "[[host]]",
            f'name = "{name}"',
            'toolstack = "xm"',
            f'address = "{t.address}"',
            f"port = {t.port}",
            f'user = "{t.user}"',
            f'identity_file = "{t.identity_file}"',
            f'known_hosts = "{t.known_hosts}"',
        ]
    path.write_text("\n".join(lines) + "\n")


async def test_blank_state_and_headerless_lists_through_openssh(sshd_factory, tmp_path) -> None:
    created, filtered = sshd_factory(), sshd_factory()
    created.put_tool("xm", f'[ "$1" = list ] || exit 1\n{HEADER}{ROWS}')
    filtered.put_tool("xm", f'[ "$1" = list ] || exit 1\n{ROWS}')  # `xm list | grep -v ^Name`
    cfg = tmp_path / "lab.toml"
    lab_file(cfg, [("created", created), ("filtered", filtered)])

    rc, out, err = await xentui("list", "--config", str(cfg))
    assert rc == 0, err + out
    first, second = out.split("filtered (xm)")
    assert "! " not in out  # nothing refused, on either host
    for text in (first, second):
        rows = {line.split()[0]: line.split() for line in text.splitlines() if "  " in line}
        assert rows["Domain-0"][1:] == ["0", "1024", "2", "running", "123.4"]
        assert rows["virt_server"][1:] == ["7", "128", "1", "unknown", "0.0"]
    assert "note: no header" in second and "note" not in first

    rc, out, err = await xentui("list", "--json", "--config", str(cfg))
    assert rc == 0, err
    hosts = {h["name"]: h for h in json.loads(out)["hosts"]}
    assert hosts["created"]["notes"] == [] and hosts["filtered"]["notes"] == ["no header"]
    for h in hosts.values():
        guest = next(d for d in h["domains"] if d["name"] == "virt_server")
        assert (guest["id"], guest["state"], guest["flags"]) == (7, "unknown", "")
        assert h["error"] is None and h["error_output"] is None
