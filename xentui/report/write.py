"""`xentui report RUN.jsonl`: one self-contained HTML page and a Markdown file with its plots.

The HTML carries its plots inline (one file to mail or project); the Markdown points at SVG
files beside it by relative path, so it renders on a forge or in an editor.
"""

from __future__ import annotations

import html
import time
from dataclasses import dataclass
from pathlib import Path

from xentui.model import MigrationPhase
from xentui.record.reader import Run
from xentui.report.analysis import Verdict, Window, gaps, stalls, verdicts, windows
from xentui.report.plots import window_svg

Tables = dict[str, tuple[list[str], list[list[str]]]]

CSS = """body{font:16px/1.45 system-ui,sans-serif;max-width:60rem;margin:2rem auto;color:#111}
h1{font-size:1.6rem}table{border-collapse:collapse;margin:.5rem 0 1.2rem}
td,th{border:1px solid #bbb;padding:.2rem .6rem;text-align:left}
.ok{color:#1d6b2b}.bad{color:#a31515}.verdict{font-size:1.35rem;font-weight:700}
svg{max-width:100%;height:auto}@media print{body{margin:0}}"""


@dataclass(frozen=True, slots=True)
class Written:
    html: Path
    markdown: Path
    plots: tuple[Path, ...]


def _when(wall: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(wall))


def _timeline(v: Verdict) -> list[tuple[str, str]]:
    start = v.record.at(MigrationPhase.REQUESTED) or 0.0
    return [(p.value, f"+{t - start:.2f} s") for p, t in v.record.milestones]


def _tables(run: Run) -> Tables:
    t0 = run.start
    header = run.header
    lab = header.lab
    hosts = [
        [h.name, h.toolstack, h.ssh.destination, str(h.ssh.identity_file or "agent / ssh config")]
        for h in (lab.hosts if lab else ())
    ]
    versions = [["xentui", header.xentui], ["python", header.python]]
    versions += [[k, v] for k, v in sorted(header.extra.items())]
    return {
        "gaps": (
            ["at", "length", "resolution"],
            [
                [f"+{g.start - t0:.2f} s", f"{g.length_s:.3f} s", f"{g.resolution_s * 1000:.0f} ms"]
                for g in gaps(run)
            ],
        ),
        "stalls": (
            ["at", "length"],
            [
                [
                    f"+{s.start - t0:.2f} s",
                    f"{s.length_s(run.end):.2f} s"
                    + ("" if s.end is not None else " (still stalled at the end)"),
                ]
                for s in stalls(run)
            ],
        ),
        "hosts": (["host", "toolstack", "address", "key"], hosts),
        "versions": (["what", "version"], versions),
    }


def write_report(run: Run, out_dir: Path) -> Written:
    """Write ``<run>.html``, ``<run>.md`` and ``<run>-plot-N.svg`` into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = run.path.stem
    vs, ws, tables = verdicts(run), windows(run), _tables(run)
    svgs = [window_svg(w) for w in ws]
    plots = []
    for i, svg in enumerate(svgs, start=1):
        plot = out_dir / f"{stem}-plot-{i}.svg"
        plot.write_text(svg, encoding="utf-8")
        plots.append(plot)
    title = f"xentui run of {_when(run.header.wall)}"
    guest = run.header.lab.guest if run.header.lab else None
    about = (
        f"{run.header.command} run, {run.end - run.start:.0f} s, recorded in {run.path.name}"
        + (f"; guest {guest.name}, stream {guest.stream_url}" if guest else "")
    )
    page = _html(title, about, vs, ws, svgs, tables)
    md = _markdown(title, about, vs, ws, [p.name for p in plots], tables)
    html_path, md_path = out_dir / f"{stem}.html", out_dir / f"{stem}.md"
    html_path.write_text(page, encoding="utf-8")
    md_path.write_text(md, encoding="utf-8")
    return Written(html_path, md_path, tuple(plots))


def _html_table(head: list[str], rows: list[list[str]]) -> str:
    if not rows:
        return "<p>none</p>"
    e = html.escape
    th = "".join(f"<th>{e(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{e(c)}</td>" for c in r) + "</tr>" for r in rows)
    return f"<table><tr>{th}</tr>{body}</table>"


def _html(
    title: str,
    about: str,
    vs: list[Verdict],
    ws: list[Window],
    svgs: list[str],
    tables: Tables,
) -> str:
    e = html.escape
    parts = [f"<!doctype html><html lang=en><meta charset=utf-8><title>{e(title)}</title>",
             f"<style>{CSS}</style><h1>{e(title)}</h1><p>{e(about)}</p>"]  # fmt: skip
    parts.append("<h2>Migrations</h2>" if vs else "<h2>Migrations</h2><p>none in this run</p>")
    for v in vs:
        r = v.record
        cls = "bad" if v.stalled or r.outcome is MigrationPhase.FAILED else "ok"
        took = f" in {r.duration_s:.1f} s" if r.duration_s is not None else ""
        parts.append(f"<h3>{e(r.guest)}: {e(r.source)} → {e(r.target)}{took}</h3>")
        parts.append(f"<p class='verdict {cls}'>{e(v.headline)}</p><p>{e(v.words)}</p>")
        if r.hypervisor and r.hypervisor.total_downtime_ms is not None:
            parts.append(f"<p>hypervisor downtime {r.hypervisor.total_downtime_ms} ms</p>")
        parts.append(_html_table(["phase", "time"], [list(x) for x in _timeline(v)]))
    parts.append("<h2>The stream around each action</h2>")
    for w, svg in zip(ws, svgs, strict=True):
        parts.append(f"<figure>{svg}<figcaption>{e(w.title)} at {_when(w.wall)}</figcaption>"
                     "</figure>")  # fmt: skip
    for name in ("gaps", "stalls", "hosts", "versions"):
        head, rows = tables[name]
        parts.append(f"<h2>{name.capitalize()}</h2>{_html_table(head, rows)}")
    return "\n".join(parts) + "\n</html>\n"


def _md_table(head: list[str], rows: list[list[str]]) -> str:
    if not rows:
        return "none\n"
    cell = lambda c: c.replace("|", "\\|")  # noqa: E731
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(cell(c) for c in r) + " |" for r in rows]
    return "\n".join(lines) + "\n"


def _markdown(
    title: str,
    about: str,
    vs: list[Verdict],
    ws: list[Window],
    plot_names: list[str],
    tables: Tables,
) -> str:
    out = [f"# {title}", "", about, "", "## Migrations", ""]
    if not vs:
        out.append("none in this run\n")
    for v in vs:
        r = v.record
        took = f" in {r.duration_s:.1f} s" if r.duration_s is not None else ""
        rows = [list(x) for x in _timeline(v)]
        out += [f"### {r.guest}: {r.source} → {r.target}{took}", "", f"**{v.headline}**", ""]
        out += [v.words, "", _md_table(["phase", "time"], rows)]
    out += ["## The stream around each action", ""]
    for w, name in zip(ws, plot_names, strict=True):
        out += [f"![{w.title}]({name})", ""]
    for name in ("gaps", "stalls", "hosts", "versions"):
        head, rows = tables[name]
        out += [f"## {name.capitalize()}", "", _md_table(head, rows)]
    return "\n".join(out)
