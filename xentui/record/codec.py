"""Frozen records to JSON values and back, driven by their own type hints.

Generic on purpose: the model's records gain fields while other work goes on, and a field
added there is recorded and read back with no change here (a reader ignores fields it does not
know and leaves missing ones at their defaults, so one schema version reads both).
"""

from __future__ import annotations

import dataclasses
import enum
import math
import types
import typing
from functools import cache
from pathlib import Path
from typing import Any, TypeVar, Union, get_args, get_origin, get_type_hints

T = TypeVar("T")

JSON = dict[str, Any] | list[Any] | str | int | float | bool | None


class DecodeError(ValueError):
    """A value that does not fit the record it should fill: said in one line by the reader."""


def encode(value: object) -> JSON:
    """A dataclass, enum, path, tuple or plain value as JSON (non-finite floats as null)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return encode(value.value)
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, (tuple, list)):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        return {str(k): encode(v) for k, v in value.items()}
    if isinstance(value, float):
        return round(value, 6) if math.isfinite(value) else None
    if value is None or isinstance(value, (str, int, bool)):
        return value
    return str(value)


@cache
def _hints(cls: type) -> dict[str, Any]:
    return get_type_hints(cls)


def decode(tp: Any, value: Any) -> Any:
    """``value`` (from `encode`) as an instance of ``tp``; DecodeError says which field."""
    if value is None or tp is Any:
        return value
    origin, args = get_origin(tp), get_args(tp)
    if origin in (Union, types.UnionType):
        options = [a for a in args if a is not type(None)]
        return decode(options[0], value) if len(options) == 1 else value
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        if not isinstance(value, dict):
            raise DecodeError(f"{tp.__name__}: expected an object, got {type(value).__name__}")
        hints, kwargs = _hints(tp), {}
        for f in dataclasses.fields(tp):
            if f.name in value and f.init:
                try:
                    kwargs[f.name] = decode(hints[f.name], value[f.name])
                except (TypeError, ValueError) as exc:
                    raise DecodeError(f"{tp.__name__}.{f.name}: {exc}") from None
        try:
            return tp(**kwargs)
        except TypeError as exc:
            raise DecodeError(f"{tp.__name__}: {exc}") from None
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return tp(value)
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(decode(args[0], v) for v in value)
        return tuple(decode(a, v) for a, v in zip(args, value, strict=True))
    if origin in (dict, typing.Mapping):
        return {k: decode(args[1], v) for k, v in value.items()}
    if tp is float:
        return float(value)
    if tp is Path:
        return Path(value)
    if tp in (int, str, bool) and not isinstance(value, tp):
        raise DecodeError(f"expected {tp.__name__}, got {value!r}")
    return value


def build(cls: type[T], value: Any) -> T:
    """Typed helper around `decode` for a dataclass."""
    out: T = decode(cls, value)
    return out
