"""Files a fix would rewrite are read exactly or not at all: through a real ``cat`` and ``tee``.

The presenter's own dom0 (``transport = "local"``) runs the real tools, so these are real
bytes: a Latin-1 comment or a file past the output cap must never come back as a lossy copy
that a fix then writes over the original.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from xentui.config import load_config
from xentui.setup.checklist import Checklist
from xentui.setup.context import Context, FileUnreadable
from xentui.setup.results import FileEdit, FixPlan


def _config(tmp_path: Path):
    path = tmp_path / "xentui.toml"
    path.write_text(
        '[guest]\nname = "virt_server"\nstream_url = "http://127.0.0.1:1/x.ogg"\n'
        '[[host]]\nname = "dom0"\ntransport = "local"\ntoolstack = "xm"\n'
    )
    return load_config(path)


async def test_a_file_that_is_not_utf8_is_refused_in_words(tmp_path: Path) -> None:
    conf = tmp_path / "xend-config.sxp"
    conf.write_bytes(b"# r\xe9glages de Fran\xe7ois\n(xend-relocation-server no)\n")
    ctx = Context(_config(tmp_path))
    try:
        with pytest.raises(FileUnreadable, match=r"xend-config.sxp on dom0 is not UTF-8 text"):
            await ctx.read_file("dom0", str(conf), exact=True)
        # a check only reads it: a Latin-1 comment must not make the step unknown
        assert "(xend-relocation-server no)" in (await ctx.read_file("dom0", str(conf)) or "")
        conf.write_text("# plain\n(xend-relocation-server no)\n")
        assert await ctx.read_file("dom0", str(conf)) == "# plain\n(xend-relocation-server no)\n"
    finally:
        await ctx.close()


async def test_a_file_past_the_output_cap_is_refused(tmp_path: Path) -> None:
    big = tmp_path / "exports"
    big.write_text("# padding\n" * 120_000)  # 1.2 MB, past the 1 MiB cap
    ctx = Context(_config(tmp_path))
    try:
        with pytest.raises(FileUnreadable, match="is larger than xentui reads"):
            await ctx.read_file("dom0", str(big), exact=True)
    finally:
        await ctx.close()


async def test_a_fix_over_a_latin1_file_writes_nothing(tmp_path: Path) -> None:
    conf = tmp_path / "xend-config.sxp"
    original = b"# r\xe9glages\n(xend-relocation-server no)\n"
    conf.write_bytes(original)
    lossy = original.decode("utf-8", "replace")  # what a careless reader would have planned on
    edit = FileEdit("dom0", str(conf), lossy, lossy.replace("no)", "yes)"))
    cl = Checklist(_config(tmp_path))
    try:
        outcome = await cl.apply_fix(FixPlan("relocation", edits=(edit,)))
    finally:
        await cl.close()
    assert not outcome.ok and "is not UTF-8 text" in outcome.message, outcome
    assert outcome.backups == ()
    assert conf.read_bytes() == original
