"""Generated domains rendered with each version's real format string (Python ``%``, written
here and not shared with the parsers or the lab) must parse back to themselves."""

# ruff: noqa: UP031  (the renderers apply the tools' own % format strings on purpose)

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from xentui.model import DomainState
from xentui.toolstack import get_toolstack

XEND_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.:/+"
T6 = ("Name", "ID", "Mem", "VCPUs", "State", "Time(s)")
T6_MIB = ("Name", "ID", "Mem(MiB)", "VCPUs", "State", "Time(s)")

# layout -> (header, row format, blank ID allowed, ACM suffix possible); from main.py per tag
XM = {
    "xm 3.0.0-3.0.2": (
        "Name                              ID Mem(MiB) VCPUs State  Time(s)",
        "%(name)-32s %(dom)3d %(mem)8d %(vcpus)5d %(state)5s %(cpu_time)7.1f%(ssidstr)s",
        False,
        True,
    ),
    "xm 3.0.3": (
        "%-40s %3s %8s %5s %5s %9s" % T6_MIB,
        "%(name)-40s %(domid)3d %(mem)8d %(vcpus)5d %(state)5s %(cpu_time)8.1f",
        False,
        False,
    ),
    "xm 3.0.4-3.1": (
        "%-40s %3s %5s %5s %10s %9s" % T6,
        "%(name)-40s %(domid)3s %(mem)5d %(vcpus)5d %(state)10s %(cpu_time)8.1f",
        True,
        False,
    ),
    "xm 3.3-4.4": (
        "%-40s %5s %5s %5s %10s %9s" % T6,
        "%(name)-40s %(domid)5s %(mem)5d %(vcpus)5d %(state)10s %(cpu_time)8.1f",
        True,
        False,
    ),
}
XL_HEADER = "Name                                        ID   Mem VCPUs\tState\tTime(s)"
XL_ROW = "%-40s %5d %5d %5d     %s  %8.1f"  # printf("%-40s %5d %5lu %5d     %c%c%c%c%c%c  %8.1f")


@dataclass
class Gen:
    name: str
    domid: int | None
    mem: int
    vcpus: int
    flags: str
    cpu: float
    ssid: int = 0


# The state each flag string stands for, from the tools' documentation, not from the parser:
# the letters are XendDomainInfo's stateChar over (running, blocked, paused, shutdown, crashed,
# dying) and libxl's list_domains, their meanings those of xm.pod.1 / xl.1.pod.in, crashed over
# shutdown (docs/formats.md); each string is one real hosts print (tests/toolstack/samples.py).
DOCUMENTED = {
    "r-----": DomainState.RUNNING,  # Domain-0 in every capture
    "-b----": DomainState.BLOCKED,  # an idle guest (XM_4X_CAPTURE's vm16, XL_49_CAPTURE)
    "--p---": DomainState.PAUSED,  # after xm pause; the target while a guest comes in
    "------": DomainState.RUNNING,  # runnable, waiting for a CPU
    "---s--": DomainState.SHUTDOWN,
    "----c-": DomainState.CRASHED,
    "-----d": DomainState.DYING,
}
XM_FLAGS = {**DOCUMENTED, "---sc-": DomainState.CRASHED}  # libxc sets both for a crash
XL_FLAGS = {
    **DOCUMENTED,
    # xl's fifth letter is the shutdown reason ("-rscwS"), not "crashed"
    "---ss-": DomainState.SHUTDOWN,  # suspended for migration (XL_SOURCE_DURING)
    "---sr-": DomainState.SHUTDOWN,  # shut down to reboot (XL_VERBOSE)
    "---sw-": DomainState.SHUTDOWN,  # by the watchdog
    "---sc-": DomainState.CRASHED,  # shut down, reason crash
}
XL_FLAGS.pop("----c-")  # xl has no crashed letter of its own: "c" there is the reason


def documented_state(flags: str, domid: int | None, xl: bool) -> DomainState:
    """A blank State (xend 3.0.4+, docs/formats.md): halted with no ID, unknown with one."""
    if flags == "":
        return DomainState.SHUTDOWN if domid is None else DomainState.UNKNOWN
    return (XL_FLAGS if xl else XM_FLAGS)[flags]


def flag_strategy(xl: bool) -> st.SearchStrategy[str]:
    return st.sampled_from(sorted(XL_FLAGS if xl else XM_FLAGS))


def gens(names: st.SearchStrategy[str], xl: bool, blank_id: bool) -> st.SearchStrategy[Gen]:
    ids = st.integers(0, 70000)
    return st.builds(
        Gen,
        name=names,
        domid=st.one_of(ids, st.none()) if blank_id else ids,
        mem=st.integers(0, 10**7),
        vcpus=st.integers(0, 512),
        flags=flag_strategy(xl),
        cpu=st.floats(0, 1e8, allow_nan=False),
        ssid=st.integers(0, 2**32 - 1),
    )


xend_names = st.text(XEND_CHARS, min_size=1, max_size=60)
# libxl and libvirt allow more: letters beyond ASCII, single inner spaces
wide_names = st.lists(
    st.text(XEND_CHARS + "éßж", min_size=1, max_size=12), min_size=1, max_size=4
).map(" ".join)


def check(tool: str, text: str, doms: list[Gen], layout: str, *, xl: bool = False) -> None:
    result = get_toolstack(tool).parse_list(text)
    assert result.problems == (), result.problems
    assert result.layout == layout
    got = [(d.name, d.id, d.mem_mib, d.vcpus, d.flags, d.cpu_s, d.active) for d in result.domains]
    want = [
        (g.name, g.domid, g.mem, g.vcpus, g.flags, float("%.1f" % g.cpu), g.domid is not None)
        for g in doms
    ]
    assert got == want
    for d, g in zip(result.domains, doms, strict=True):
        assert d.state == documented_state(g.flags, g.domid, xl), (g.flags, g.domid)


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_xm_every_layout_round_trips(data) -> None:
    for layout, (header, fmt, blank_id, acm) in XM.items():
        doms = data.draw(st.lists(gens(xend_names, False, blank_id), max_size=6))
        rows = []
        for g in doms:
            ssidstr = ""
            if acm and g.ssid:
                ssidstr = " s:%04x/p:%04x" % ((g.ssid >> 16) & 0xFFFF, g.ssid & 0xFFFF)
            domid = "" if g.domid is None else g.domid
            if blank_id and (g.domid is None or data.draw(st.booleans())):
                g.flags = ""  # xend 3.0.4+: no state without a domid, or none yet (in transition)
            values = dict(name=g.name, dom=g.domid, domid=domid, mem=g.mem, vcpus=g.vcpus)
            values.update(state=g.flags, cpu_time=g.cpu, ssidstr=ssidstr)
            rows.append(fmt % values)
        check("xm", "\n".join([header, *rows]) + "\n", doms, layout)


@settings(max_examples=60, deadline=None)
@given(st.lists(gens(wide_names, True, False), max_size=6))
def test_xl_round_trips(doms) -> None:
    rows = [XL_ROW % (g.name, g.domid, g.mem, g.vcpus, g.flags, g.cpu) for g in doms]
    check("xl", "\n".join([XL_HEADER, *rows]) + "\n", doms, "xl 4.1+", xl=True)


VIRSH_WORDS = ["running", "idle", "paused", "in shutdown", "shut off", "crashed", "pmsuspended"]
VIRSH_WORDS += ["no state", "blocked"]


def render_virsh(era: str, rows: list[tuple[str, str, str]]) -> str:
    head = ("Id", "Name", "State")
    if era == "early":  # vshPrintExtra("%3s %-20s %s\n"), 34 dashes
        out = ["%3s %-20s %s" % head, "-" * 34] + ["%3s %-20s %s" % r for r in rows]
    elif era == "middle":  # " %-5s %-30s %s\n", 52 dashes
        out = [" %-5s %-30s %s" % head, "-" * 52] + [" %-5s %-30s %s" % r for r in rows]
    else:  # vshTable: " %s" per cell padded to the column's width + 2; maxwidth+3 dashes
        widths = [max(len(r[i]) for r in [head, *rows]) for i in range(3)]

        def line(cells: tuple[str, str, str]) -> str:
            parts = [
                " " + c + " " * (w - len(c) + 2) for c, w in zip(cells[:2], widths, strict=False)
            ]
            return "".join(parts) + " " + cells[2]

        out = [line(head), "-" * sum(w + 3 for w in widths)] + [line(r) for r in rows] + [""]
    return "\n".join(out) + "\n"


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(["early", "middle", "current"]),
    st.lists(
        st.tuples(
            st.one_of(st.none(), st.integers(0, 10**6)), wide_names, st.sampled_from(VIRSH_WORDS)
        ),
        max_size=6,
    ),
)
def test_virsh_every_era_round_trips(era, doms) -> None:
    rows = [("-" if i is None else str(i), n, w) for i, n, w in doms]
    result = get_toolstack("virsh").parse_list(render_virsh(era, rows))
    assert result.problems == ()
    assert [(d.id, d.name, d.flags) for d in result.domains] == doms
    assert all(
        d.active == (i is not None and w != "shut off")
        for d, (i, _, w) in zip(result.domains, doms, strict=True)
    )
