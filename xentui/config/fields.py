"""Checks for one lab-file value each: the type and range a key expects, said in one line.

Kept apart from the loader so each check is a small pure function; they raise FieldError (where
the value sits and what was wrong) and the loader adds the file and line.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Collection
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from xentui.config.read import IDENTITY_MAX, FileRefused, check_regular
from xentui.config.source import Section, quote, show
from xentui.toolstack.base import NameRejected
from xentui.toolstack.names import check_domain_name, check_host_name


class FieldError(Exception):
    """A value that is not what its key expects; ``key`` may be an array index."""

    def __init__(self, section: Section, key: str | int | None, message: str) -> None:
        self.section, self.key, self.message = section, key, message
        super().__init__(message)


def table(section: Section, key: str | int, value: object, spelled: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise FieldError(section, key, f"expected a table {spelled}, got {show(value)}")
    return value


def known_keys(section: Section, value: dict[str, Any], allowed: Collection[str]) -> None:
    """Unknown keys are errors (a typo must not silently fall back to a default)."""
    for key in value:
        if key not in allowed:
            close = difflib.get_close_matches(key, sorted(allowed), n=1, cutoff=0.6)
            hint = f" (did you mean {quote(close[0], chr(39))}?)" if close else ""
            choices = ", ".join(sorted(allowed))
            raise FieldError(
                section, key, f"unknown key {quote(key, chr(39))}{hint}; known keys: {choices}"
            )


def required(section: Section, value: dict[str, Any], key: str, example: str) -> object:
    if key not in value:
        raise FieldError(section, key, f"missing: expected {example}")
    return value[key]


def seconds(section: Section, key: str, value: object, upper: float) -> float:
    """A duration: an integer or float, finite, > 0 and at most ``upper``."""
    expected = f"expected seconds > 0 and <= {upper:g}"
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise FieldError(section, key, f"{expected}, got {show(value)}")
    # compare before any float(): a TOML integer may be too large to convert
    if (isinstance(value, float) and not math.isfinite(value)) or not 0 < value <= upper:
        raise FieldError(section, key, f"{expected}, got {show(value)}")
    return float(value)


def port(section: Section, key: str, value: object) -> int:
    # bool is an int in Python, but `port = true` is a mistake, not port 1
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 65535:
        raise FieldError(section, key, f"expected an integer 1-65535, got {show(value)}")
    return value


def boolean(section: Section, key: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise FieldError(section, key, f"expected true or false, got {show(value)}")
    return value


def string(section: Section, key: str, value: object, what: str = "a string") -> str:
    if not isinstance(value, str):
        raise FieldError(section, key, f"expected {what}, got {show(value)}")
    if not value:
        raise FieldError(section, key, f"expected {what}, got an empty string")
    return value


def word(section: Section, key: str | int, value: object, what: str) -> str:
    """A token handed to SSH (a user, an algorithm): no spaces, no control characters."""
    if not isinstance(value, str) or not value:
        raise FieldError(section, key, f"expected {what}, got {show(value)}")
    if value.startswith("-") or any(ch.isspace() or not ch.isprintable() for ch in value):
        raise FieldError(
            section, key, f"expected {what} without spaces or a leading '-', got {show(value)}"
        )
    return value


def choice(section: Section, key: str, value: object, allowed: tuple[str, ...]) -> str:
    if isinstance(value, str) and value in allowed:
        return value
    close = difflib.get_close_matches(value, allowed, n=1) if isinstance(value, str) else []
    hint = f"; did you mean {quote(close[0])}?" if close else ""
    options = " | ".join(allowed)
    raise FieldError(section, key, f"expected one of {options}, got {show(value)}{hint}")


def words(section: Section, key: str, value: object, what: str) -> tuple[str, ...]:
    """An array of ``what`` (singular, without article)."""
    if not isinstance(value, list):
        raise FieldError(section, key, f"expected an array of {what}s, got {show(value)}")
    item = f"an {what}" if what[:1] in "aeiou" else f"a {what}"
    return tuple(word((*section, key), i, v, item) for i, v in enumerate(value))


def host_name(section: Section, key: str, value: object) -> str:
    text = string(section, key, value, "a host name")
    try:
        return check_host_name(text)
    except NameRejected as exc:
        raise FieldError(section, key, f"invalid host name {show(text)}: {exc.reason}") from None


def domain_name(section: Section, key: str, value: object) -> str:
    text = string(section, key, value, "the guest's domain name")
    try:
        return check_domain_name(text)
    except NameRejected as exc:
        raise FieldError(section, key, f"invalid guest name {show(text)}: {exc.reason}") from None


def stream_url(section: Section, key: str, value: object) -> str:
    what = "an http:// or https:// URL with a host"
    expected = f"expected {what}"
    text = string(section, key, value, what)
    if any(ch.isspace() or not ch.isprintable() for ch in text):
        raise FieldError(section, key, f"{expected} and no spaces, got {show(text)}")
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise FieldError(section, key, f"{expected}, got {show(text)}")
    try:
        parts.port  # noqa: B018 - urlsplit checks the port only when asked
    except ValueError:
        raise FieldError(section, key, f"{expected} and a port 1-65535, got {show(text)}") from None
    return text


_URI_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")


def libvirt_uri(section: Section, key: str, value: object) -> str:
    """A libvirt connection URI handed to ``virsh migrate`` as one argv element: a scheme and
    ``://`` (so it can never read as an option), no spaces or control characters."""
    what = 'a libvirt URI such as "qemu+ssh://xen_host_2/system"'
    text = string(section, key, value, what)
    if any(ch.isspace() or not ch.isprintable() for ch in text):
        raise FieldError(section, key, f"expected {what} without spaces, got {show(text)}")
    if not _URI_SCHEME.match(text):
        raise FieldError(section, key, f"expected {what}: a scheme, then ://, got {show(text)}")
    try:
        urlsplit(text).port  # noqa: B018 - urlsplit checks the port only when asked
    except ValueError:
        raise FieldError(
            section, key, f"expected {what} and a port 1-65535, got {show(text)}"
        ) from None
    return text


def file_path(section: Section, key: str, value: object, base: Path, *, must_exist: bool) -> Path:
    """A path: ``~`` expanded, relative to ``base`` (the lab file's folder).

    ``must_exist`` (the identity file, which asyncssh reads whole): a regular file under the cap.
    """
    text = string(section, key, value, "a file path")
    if "\0" in text:
        raise FieldError(section, key, f"expected a file path, got {show(text)}")
    try:
        path = Path(text).expanduser()
    except RuntimeError as exc:  # "~someone" with no such user
        raise FieldError(section, key, f"cannot expand {show(text)}: {exc}") from None
    path = path if path.is_absolute() else base / path
    try:
        if path.is_dir():
            raise FieldError(section, key, f"{quote(str(path))} is a directory, expected a file")
        if must_exist and not path.exists():
            raise FieldError(section, key, f"no such file {quote(str(path))}")
        if must_exist:  # a FIFO would hang the SSH library's read of it, /dev/zero fill memory
            check_regular(path, IDENTITY_MAX, "an identity file")
    except FileRefused as exc:
        raise FieldError(section, key, f"{quote(str(path))}: {exc}") from None
    except OSError as exc:
        raise FieldError(section, key, f"cannot use {quote(str(path))}: {exc.strerror}") from None
    return path
