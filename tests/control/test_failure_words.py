"""Issue 11.4 end to end: through a real OpenSSH sshd, a failure's decisive lines lead in
`xentui ctl` and `xentui list --json`'s ``error``; ``error_output`` holds the whole output.

The scripted tools print the tools' own words: xl's pause exits 0 and says its failure only in
libxl's log (``libxl: error: ...``, tools/xl/xl_vmcontrol.c returns EXIT_SUCCESS), after
libxl's harmless lines; xm's list fails with xend's message (``err()``: ``Error: ...``,
tools/python/xen/xm/main.py) after a banner that a shell rc file printed.
"""

from __future__ import annotations

import json

from tests.control.test_cli_hosts import xentui
from tests.control.test_real_lists_sshd import lab_file

XL_HEAD = (
    "printf 'Name                                        ID   Mem VCPUs\\tState\\tTime(s)\\n'\n"
)
XL_ROW = "printf '%-40s %5d %5d %5d     %s  %8.1f\\n' {} {} {} 1 {} 3.0\n"
XL_LIST = XL_HEAD + XL_ROW.format("Domain-0", 0, 1024, "r-----")
XL_LIST_GUEST = XL_LIST + XL_ROW.format("virt_server", 3, 128, "-b----")
PROGRESS = (  # a real Xen 4.9 transcript (docs/formats.md)
    "migration target: Ready to receive domain.",
    "Saving to migration stream new xl format (info 0x3/0x0/1411)",
    "Loading new save file <incoming migration stream> (new xl fmt info 0x3/0x0/1411)",
    " Savefile contains xl domain config in JSON format",
    "Parsing config from <saved>",
    "xc: info: Saving domain 3, type x86 PV",
)
CAUSE = (  # tools/xl/xl_migrate.c
    "migration sender: libxl_domain_suspend failed (rc=-3)",
    "Migration failed, resuming at sender.",
)
BANNER = [f"*** xen_host_2 is managed by the lab, line {i} ***" for i in range(6)]
XEND_DOWN = "Error: Unable to connect to xend: No such file or directory. Is xend running?"


def echo(lines: tuple[str, ...] | list[str]) -> str:
    return "".join(f"echo '{line}' >&2\n" for line in lines)


async def test_ctl_and_list_json_lead_with_the_decisive_lines(sshd_factory, tmp_path) -> None:
    src, dst, xm_host = sshd_factory(), sshd_factory(), sshd_factory()
    migrate = echo(PROGRESS) + echo(CAUSE[:1]) + f"printf '%s' '{CAUSE[1]}' >&2\nexit 1"
    src.put_tool("xl", f'case "$1" in\n list) {XL_LIST_GUEST} ;;\n migrate)\n{migrate} ;;\nesac\n')
    dst.put_tool("xl", f'case "$1" in\n list) {XL_LIST} ;;\nesac\n')
    xm_host.put_tool("xm", echo(BANNER) + f"printf '%s' '{XEND_DOWN}' >&2\nexit 1\n")
    cfg = tmp_path / "lab.toml"
    lab_file(cfg, [("src", src), ("dst", dst), ("xm_host", xm_host)])
    cfg.write_text(cfg.read_text().replace('toolstack = "xm"', 'toolstack = "xl"', 2))

    rc, out, err = await xentui("ctl", "migrate", "--to", "dst", "--config", str(cfg))
    assert rc == 1, out + err
    lines = out.splitlines()
    assert lines[0].startswith(f"migrate virt_server on src -> dst: FAILED: {CAUSE[0]} (")
    assert lines[1] == f"    {CAUSE[1]}"
    failed = lines.index(f"FAILED: {CAUSE[0]}")  # the timeline's end, the same words
    assert lines[failed + 1].startswith(f"  {CAUSE[1]}")
    assert "Ready to receive" not in out

    rc, out, err = await xentui("list", "--json", "--config", str(cfg))
    hosts = {h["name"]: h for h in json.loads(out)["hosts"]}
    xm = hosts["xm_host"]
    assert xm["error"] == XEND_DOWN and xm["domains"] == []
    assert xm["error_output"].splitlines() == [*BANNER, XEND_DOWN]
    assert hosts["src"]["error"] is None and hosts["src"]["error_output"] is None
