"""A tiny in-memory file system per simulated machine, with the errors coreutils would print."""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import dataclass


class VfsError(Exception):
    """An errno-style failure: ``reason`` is strerror's text (``No such file or directory``)."""

    def __init__(self, path: str, reason: str) -> None:
        self.path, self.reason = path, reason
        super().__init__(f"{path}: {reason}")


NOENT, ISDIR, NOTDIR = "No such file or directory", "Is a directory", "Not a directory"


@dataclass(frozen=True, slots=True)
class Meta:
    """A file's owner and permission bits, as ``stat -c %u:%g:%a`` reads them."""

    uid: int = 0
    gid: int = 0
    mode: int = 0o644
    """A new file's: root's umask 022 over 0666."""


class Vfs:
    """Files (text or bytes) and directories; some files are computed on read (``/proc``)."""

    def __init__(self) -> None:
        self._files: dict[str, str | bytes] = {}
        self._dirs: set[str] = {"/"}
        self._dynamic: dict[str, Callable[[], str]] = {}
        self._meta: dict[str, Meta] = {}
        self.write_s = 0.0
        """How long ``tee`` takes to fill a file it has just emptied, as a slow disk or link
        would: a window in which a test can interrupt a write (0: at once)."""

    @staticmethod
    def norm(path: str, cwd: str = "/root") -> str:
        return posixpath.normpath(posixpath.join(cwd, path))

    def mkdir(self, path: str, parents: bool = True) -> None:
        path = self.norm(path)
        if path in self._files:
            raise VfsError(path, "File exists")
        parent = posixpath.dirname(path)
        if parent not in self._dirs:
            if not parents:
                raise VfsError(path, NOENT)
            self.mkdir(parent)
        self._dirs.add(path)

    def add_dynamic(self, path: str, render: Callable[[], str]) -> None:
        path = self.norm(path)
        self.mkdir(posixpath.dirname(path))
        self._dynamic[path] = render

    def is_dir(self, path: str) -> bool:
        return self.norm(path) in self._dirs

    def exists(self, path: str) -> bool:
        p = self.norm(path)
        return p in self._dirs or p in self._files or p in self._dynamic

    def read(self, path: str) -> str | bytes:
        p = self.norm(path)
        if p in self._dynamic:
            return self._dynamic[p]()
        if p in self._dirs:
            raise VfsError(path, ISDIR)
        if p not in self._files:
            raise VfsError(path, NOENT)
        return self._files[p]

    def read_text(self, path: str) -> str:
        data = self.read(path)
        return data.decode("utf-8", "replace") if isinstance(data, bytes) else data

    def write(self, path: str, data: str | bytes, *, append: bool = False) -> None:
        p = self.norm(path)
        if p in self._dirs:
            raise VfsError(path, ISDIR)
        if p in self._dynamic:
            raise VfsError(path, "Permission denied")
        if posixpath.dirname(p) not in self._dirs:
            raise VfsError(path, NOENT)
        if append and p in self._files:
            old = self._files[p]
            if isinstance(old, bytes) or isinstance(data, bytes):
                old_b = old if isinstance(old, bytes) else old.encode()
                data = old_b + (data if isinstance(data, bytes) else data.encode())
            else:
                data = old + data
        self._files[p] = data
        self._meta.setdefault(p, Meta())  # an existing file keeps its owner and mode

    def remove(self, path: str) -> None:
        p = self.norm(path)
        if p not in self._files:
            raise VfsError(path, ISDIR if p in self._dirs else NOENT)
        del self._files[p]
        self._meta.pop(p, None)

    def stat(self, path: str) -> Meta:
        p = self.norm(path)
        if p not in self._files and p not in self._dirs and p not in self._dynamic:
            raise VfsError(path, NOENT)
        return self._meta.get(p, Meta(mode=0o755 if p in self._dirs else 0o644))

    def set_meta(self, path: str, meta: Meta) -> None:
        self.stat(path)  # raises for a missing file
        self._meta[self.norm(path)] = meta

    def rename(self, src: str, dst: str) -> None:
        """rename(2): the file itself moves, owner and mode with it; an old ``dst`` is gone."""
        s, d = self.norm(src), self.norm(dst)
        if s not in self._files:
            raise VfsError(src, ISDIR if s in self._dirs else NOENT)
        if d in self._dirs:
            d = posixpath.join(d, posixpath.basename(s))
        if d in self._dirs or d in self._dynamic:
            raise VfsError(dst, ISDIR if d in self._dirs else "Permission denied")
        if posixpath.dirname(d) not in self._dirs:
            raise VfsError(dst, NOENT)
        if s == d:
            return
        self._files[d] = self._files.pop(s)
        self._meta[d] = self._meta.pop(s, Meta())

    def listdir(self, path: str) -> list[str]:
        p = self.norm(path)
        if p in self._files or p in self._dynamic:
            return [posixpath.basename(p)]
        if p not in self._dirs:
            raise VfsError(path, NOENT)
        names = {
            posixpath.basename(q)
            for q in (*self._files, *self._dirs, *self._dynamic)
            if q != p and posixpath.dirname(q) == p
        }
        return sorted(names)

    def size(self, path: str) -> int:
        data = self.read(path)
        return len(data if isinstance(data, bytes) else data.encode())
