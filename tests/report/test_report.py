"""`xentui report`: the page in headless Chromium (verdict text, the plot, a non-blank picture),
the Markdown's images by relative path, and a bad file refused in one line."""

from __future__ import annotations

import re
from pathlib import Path

from tests.record.synthetic import hour
from tests.report import chromium
from xentui.cli import main


def _report(tmp_path: Path) -> tuple[Path, Path]:
    run = tmp_path / "run.jsonl"
    hour(run, seconds=200, migrate_every=100).close()
    assert main(["report", str(run), "--out", str(tmp_path / "out")]) == 0
    return tmp_path / "out" / "run.html", tmp_path / "out" / "run.md"


def test_the_page_shows_the_verdict_and_the_plot_in_chromium(tmp_path: Path) -> None:
    page, _ = _report(tmp_path)
    dom = chromium.dump_dom(page.as_uri())
    assert "NO STALL: the viewer saw nothing" in dom
    assert "stream gap 200 ms" in dom and "no stall" in dom
    assert len(re.findall(r"<svg\b", dom)) == 2  # one plot per migration, inline
    assert "kbit/s" in dom
    png = tmp_path / "page.png"
    chromium.screenshot(page.as_uri(), png)
    assert png.stat().st_size > 10_000
    assert chromium.png_colours(png) > 20, "the screenshot is blank"
    # self-contained: nothing fetched from anywhere
    text = page.read_text()
    assert not re.search(r"""(src|href)=["']?(https?:|//)""", text)


def test_the_markdown_images_resolve_by_relative_path(tmp_path: Path) -> None:
    _, md = _report(tmp_path)
    images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", md.read_text())
    assert len(images) == 2
    for name in images:
        assert not Path(name).is_absolute() and "/" not in name
        target = md.parent / name
        assert target.read_text().lstrip().startswith("<svg")


def test_a_bad_record_is_one_line(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text("hello\n")
    assert main(["report", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not a xentui run record" in err
