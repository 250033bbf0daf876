"""Access to ``/dev/net/tun`` for the lab's user, for the lab's lifetime only.

libvirt's session daemon runs QEMU as the lab's user, and QEMU opens ``/dev/net/tun`` itself to
attach to a tap (root-only by default: "Unable to open /dev/net/tun ... Permission denied"). The
lab gives that one user the device and puts the original owner and mode back when it stops. Each
running lab leaves a note with the original under ``/run/xentui-vm``, so two labs at once
restore it once, and a lab that was killed is restored by the next lab's sweep.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path

from xentui.lab.vm.netns import alive

TUN = Path("/dev/net/tun")
NOTES = Path("/run/xentui-vm")


def _notes() -> dict[int, dict[str, int]]:
    found: dict[int, dict[str, int]] = {}
    for path in NOTES.glob("tun-*.json") if NOTES.is_dir() else []:
        try:
            pid = int(path.stem.split("-", 1)[1])
            found[pid] = {k: int(v) for k, v in json.loads(path.read_text()).items()}
        except (OSError, ValueError, TypeError, AttributeError, IndexError):
            with contextlib.suppress(OSError):
                path.unlink()
    return found


def _restore(original: dict[str, int], tun: Path) -> None:
    with contextlib.suppress(OSError):
        os.chown(tun, original["uid"], original["gid"])
        os.chmod(tun, original["mode"])


def grant(uid: int, *, tun: Path = TUN, pid: int | None = None) -> None:
    """Make ``tun`` usable by ``uid`` (owner, mode kept), noting the original to restore it."""
    pid = os.getpid() if pid is None else pid
    notes = _notes()
    original = next(iter(notes.values()), None)
    if original is None:
        st = tun.stat()
        original = {"uid": st.st_uid, "gid": st.st_gid, "mode": st.st_mode & 0o7777}
    NOTES.mkdir(mode=0o700, parents=True, exist_ok=True)
    note = NOTES / f"tun-{pid}.json"
    tmp = note.with_suffix(".tmp")
    tmp.write_text(json.dumps(original))
    tmp.replace(note)
    os.chown(tun, uid, -1)


def release(*, tun: Path = TUN, pid: int | None = None) -> None:
    """Forget this lab's note; the last lab standing restores the original."""
    pid = os.getpid() if pid is None else pid
    notes = _notes()
    mine = notes.pop(pid, None)
    with contextlib.suppress(OSError):
        (NOTES / f"tun-{pid}.json").unlink()
    if mine is not None and not any(alive(p) for p in notes):
        _restore(mine, tun)


def sweep(*, tun: Path = TUN) -> None:
    """Drop the notes of dead labs; restore the device when no live lab needs it."""
    notes = _notes()
    dead = [p for p in notes if not alive(p)]
    for pid in dead:
        with contextlib.suppress(OSError):
            (NOTES / f"tun-{pid}.json").unlink()
    if dead and not any(alive(p) for p in notes):
        _restore(notes[dead[0]], tun)
