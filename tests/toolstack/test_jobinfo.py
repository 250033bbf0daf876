"""``virsh domjobinfo``: texts rendered from libvirt's own format strings in each era, loose
transcripts as people paste them, and garbage (never an exception, a bad field is None)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xentui.model import JobInfo
from xentui.toolstack import get_toolstack
from xentui.toolstack.jobinfo import parse_jobinfo

MiB = 1024 * 1024


def pretty(n: int) -> tuple[float, str]:
    """vshPrettyCapacity (libvirt 1.2.x+): B, KiB, MiB, ... in powers of 1024."""
    for i, unit in enumerate(("B", "KiB", "MiB", "GiB", "TiB", "PiB")):
        if n < 1024 ** (i + 1):
            return n / 1024**i, unit
    return n / 1024**6, "EiB"


def pretty_old(n: int) -> tuple[float, str]:
    """prettyCapacity before libvirt 1.0: no unit for bytes, then KB, MB, GB, TB (1024s)."""
    for i, unit in enumerate(("", "KB", "MB", "GB")):
        if n < 1024 ** (i + 1):
            return n / 1024**i, unit
    return n / 1024**4, "TB"


def row(label: str, fmt: str, *args: object) -> str:
    return ("%-17s " + fmt + "\n") % (label, *args)


def size(label: str, n: int, unit=pretty) -> str:
    return row(label, "%-.3f %s", *unit(n))


def render_v9(*, completed: bool, elapsed: int, done: int, left: int, total: int) -> str:
    """cmdDomjobinfo of libvirt 9.0 (Debian 12), in the order it prints."""
    text = row("Job type:", "%-12s", "Completed" if completed else "Unbounded")
    text += row("Operation:", "%-12s", "Outgoing migration")
    text += row("Time elapsed:", "%-12d ms", elapsed)
    if completed:
        text += row("Time elapsed w/o network:", "%-12d ms", elapsed - 2)
    text += size("Data processed:", done) + size("Data remaining:", left)
    text += size("Data total:", total)
    text += size("Memory processed:", done) + size("Memory remaining:", left)
    text += size("Memory total:", total)
    text += row("Memory bandwidth:", "%-.3f %s/s", *pretty(11_900_000))
    text += row("Dirty rate:", "%-12d pages/s", 310)
    text += row("Page size:", "%-12d bytes", 4096)
    text += row("Iteration:", "%-12d", 3)
    text += row("Postcopy requests:", "%-12d", 0)
    text += row("Constant pages:", "%-12d", 9000)
    text += row("Normal pages:", "%-12d", 23000)
    text += size("Normal data:", 94_208_000)
    if completed:
        text += row("Total downtime:", "%-12d ms", 165)
        text += row("Downtime w/o network:", "%-12d ms", 163)
    else:
        text += row("Expected downtime:", "%-12d ms", 30)
    text += row("Setup time:", "%-12d ms", 12)
    return text


def test_a_running_job_of_libvirt_9() -> None:
    text = render_v9(completed=False, elapsed=4210, done=50 * MiB, left=41 * MiB, total=128 * MiB)
    assert "Data processed:   50.000 MiB\n" in text  # the rendering is virsh's
    job = parse_jobinfo(text)
    assert job == JobInfo(
        job_type="Unbounded",
        elapsed_ms=4210,
        data_processed=50 * MiB,
        data_remaining=41 * MiB,
        data_total=128 * MiB,
        memory_bps=round(11.349 * MiB),
        dirty_pages_s=310,
        page_bytes=4096,
        iteration=3,
        expected_downtime_ms=30,
        setup_ms=12,
    )
    assert job.running and job.dirty_bps == 310 * 4096


def test_a_completed_job_keeps_the_downtime_and_the_total_time() -> None:
    text = render_v9(completed=True, elapsed=682, done=91 * MiB, left=0, total=128 * MiB)
    assert "Time elapsed w/o network: 680          ms" in text
    job = parse_jobinfo(text)
    assert job is not None and job.job_type == "Completed" and not job.running
    # the longer label that starts like "Time elapsed" is not taken for it
    assert (job.elapsed_ms, job.total_downtime_ms, job.setup_ms) == (682, 165, 12)
    assert job.expected_downtime_ms is None
    assert (job.data_processed, job.data_remaining) == (91 * MiB, 0)


def test_no_job_is_only_its_type() -> None:
    job = parse_jobinfo(row("Job type:", "%-12s", "None"))
    assert job == JobInfo(job_type="None") and not job.running


def test_libvirt_before_1_0_wrote_kb_mb_and_nothing_for_bytes() -> None:
    """virsh.c of 0.8/0.9: no Operation line, prettyCapacity's units, a Bounded job."""
    text = row("Job type:", "%-12s", "Bounded")
    text += row("Time elapsed:", "%-12d ms", 9000)
    text += row("Time remaining:", "%-12d ms", 1000)
    text += size("Data processed:", 700, pretty_old)
    text += size("Data remaining:", 3 * 1024 + 512, pretty_old)
    text += size("Data total:", 2 * 1024**3, pretty_old)
    assert "Data processed:   700.000 \n" in text
    job = parse_jobinfo(text)
    assert job is not None and job.running
    assert (job.data_processed, job.data_remaining, job.data_total) == (700, 3584, 2 * 1024**3)
    assert job.memory_bps is None and job.iteration is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("91.023 MiB", round(91.023 * MiB)),
        ("1.000 KiB", 1024),
        ("512.000 B", 512),
        ("3.500 GiB", round(3.5 * 1024**3)),
        ("2.000 TiB", 2 * 1024**4),
        ("1.000 PiB", 1024**5),
        ("7", 7),
        ("12.5 MB", round(12.5 * MiB)),
        ("256 MiB", 256 * MiB),
        ("-1.000 MiB", None),
        ("1.0.0 MiB", None),
        ("1.000 Mb", None),
        ("1.000 M", None),
        ("lots", None),
        ("", None),
        ("1,500 MiB", None),  # a translated virsh's decimal comma: not read, not misread
    ],
)
def test_each_size_virsh_prints(value: str, expected: int | None) -> None:
    job = parse_jobinfo(f"Job type:         Unbounded\nData processed:   {value}\n")
    assert job is not None and job.data_processed == expected


def test_transcripts_as_people_paste_them() -> None:
    """Hand-shortened outputs from tutorials: loose spacing, fewer decimals, memory alone,
    a made-up dirty-rate unit and label; what is virsh's reads, the rest is None."""
    pasted = """\
# Job type:         Unbounded
Job type:         Unbounded
Operation:        Outgoing Migration
Time elapsed:     12345   ms
Data processed:   4096 MiB
Data remaining:   3800 MiB
Memory total:     8192 MiB
Memory dirty rate:  48765 pages/second
Dirty rate:       20 MiB/s
Expected downtime:    38 ms
"""
    job = parse_jobinfo(pasted)
    assert job is not None
    assert (job.job_type, job.elapsed_ms, job.expected_downtime_ms) == ("Unbounded", 12345, 38)
    assert (job.data_processed, job.data_remaining) == (4096 * MiB, 3800 * MiB)
    assert job.data_total == 8192 * MiB  # from the Memory line, Data total being absent
    assert job.dirty_pages_s is None  # "MiB/s" is not virsh's pages/s
    short = parse_jobinfo("Job type: Unbounded\r\nMemory remaining: 0.300 GiB\r\n")
    assert short is not None and short.data_remaining == round(0.3 * 1024**3)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\n\n",
        "error: Requested operation is not valid: domain is not running\n",
        "error: failed to get domain 'virt_server'\n",
        "virsh: command not found\n",
        "Id   Name   State\n---\n 1  virt_server  running\n",
    ],
)
def test_no_domjobinfo_at_all_is_none(text: str) -> None:
    assert parse_jobinfo(text) is None


def test_a_field_that_does_not_read_is_none_and_the_rest_stays() -> None:
    job = parse_jobinfo(
        "Job type:         Sideways\nTime elapsed:     soon ms\nIteration:        -3\n"
        "Total downtime:   14           ms\nData total:       128.000 MiB extra\n"
    )
    assert job == JobInfo(total_downtime_ms=14)


def test_the_first_of_a_repeated_label_wins() -> None:
    job = parse_jobinfo("Iteration:        2\nIteration:        9\n")
    assert job is not None and job.iteration == 2


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_parses_or_is_none(text: str) -> None:
    job = parse_jobinfo(text)
    assert job is None or isinstance(job, JobInfo)


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_damaged_real_output(data) -> None:
    text = render_v9(completed=True, elapsed=682, done=91 * MiB, left=0, total=128 * MiB)
    cut = data.draw(st.integers(0, len(text)))
    junk = data.draw(st.text(max_size=20))
    at = data.draw(st.integers(0, cut))
    job = parse_jobinfo(text[:at] + junk + text[at:cut])
    assert job is None or isinstance(job, JobInfo)
    for value in (job.__getattribute__(f) for f in JobInfo.__slots__) if job else ():
        assert value is None or isinstance(value, str | int)
        assert not isinstance(value, int) or value >= 0


def test_a_huge_output_is_read_only_at_its_start() -> None:
    flood = "Iteration:        1\n" + "x: y\n" * 100_000 + "Total downtime:   5 ms\n"
    job = parse_jobinfo(flood)
    assert job == JobInfo(iteration=1)


def test_the_virsh_adapter_asks_and_reads() -> None:
    virsh = get_toolstack("virsh")
    assert virsh.jobinfo_argv("virt_server") == ["virsh", "domjobinfo", "virt_server"]
    assert virsh.jobinfo_argv("virt_server", completed=True) == [
        "virsh",
        "domjobinfo",
        "--completed",
        "virt_server",
    ]
    job = virsh.parse_jobinfo("Job type:         Completed\nTotal downtime:   14 ms\n")
    assert job is not None and job.total_downtime_ms == 14


@pytest.mark.parametrize("tool", ["xm", "xl"])
def test_xm_and_xl_report_no_job(tool: str) -> None:
    ts = get_toolstack(tool)
    assert ts.jobinfo_argv("virt_server") is None
    assert ts.parse_jobinfo("Job type:         Unbounded\n") is None
