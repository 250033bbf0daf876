"""Domain and host name checks: the one gate between a typed name and a command line.

Domain names. xend (3.0 to 4.4, ``XendDomainInfo.check_name``) allows ASCII letters, digits and
``_-.:/+``; libxl puts no rule beyond xenstore's; libvirt allows any UTF-8 but refuses ``/`` in
names used as paths. We accept the union real names use (Unicode letters and digits, and
``_ - . : + @ , =``) and refuse what could change a command's meaning: ``/`` (a path: xl and
virsh turn the name into ``/etc/xen/NAME``), whitespace and control characters (argv splitting,
log forging), shell metacharacters, a leading ``-`` (it would be read as an option), and a name
of digits only (xm, xl and virsh read it as a domain id, so it would act on another domain).

Host names: RFC 1123 labels (with ``_``, which real lab host names such as ``xen_host_1`` use),
IPv4 dotted quads, and IPv6 literals, optionally in brackets.
"""

from __future__ import annotations

import ipaddress
import re

from xentui.toolstack.base import NameRejected

DOMAIN_NAME_MAX_BYTES = 255
"""The name is also a file name under /etc/xen (``xm create NAME``): NAME_MAX bytes."""

HOST_NAME_MAX = 253
_DOMAIN_PUNCT = frozenset("_-.:+@,=")
_SHELL_META = frozenset("`$&|;<>()[]{}*?!~#'\"\\^%")
_LABEL = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?\Z")
_SCOPE = re.compile(r"[A-Za-z0-9_.-]{1,64}\Z")


def _shown(name: str) -> str:
    """A too-long name, cut so that the refusal stays one readable line."""
    return name[:60] + f"... ({len(name)} characters)"


def _describe(ch: str) -> str:
    if ch.isspace():
        return f"whitespace {ch!r}"
    if not ch.isprintable():
        return f"control character {ch!r}"
    if ch in _SHELL_META:
        return f"shell metacharacter {ch!r}"
    return f"character {ch!r}"


def check_domain_name(name: str) -> str:
    """Return ``name`` when it is safe to pass to xm, xl or virsh; else raise NameRejected."""
    kind = "domain"
    if not isinstance(name, str):
        raise NameRejected(kind, repr(name), "not a string")
    if not name:
        raise NameRejected(kind, name, "empty")
    if len(name.encode("utf-8", "surrogatepass")) > DOMAIN_NAME_MAX_BYTES:
        raise NameRejected(kind, _shown(name), f"longer than {DOMAIN_NAME_MAX_BYTES} bytes")
    for ch in name:
        if ch == "/":
            raise NameRejected(kind, name, "contains '/' (the name is used as a file name)")
        if not (ch.isalnum() or ch in _DOMAIN_PUNCT):
            raise NameRejected(kind, name, f"contains {_describe(ch)}")
    if name.startswith("-"):
        raise NameRejected(kind, name, "starts with '-' (it would be read as an option)")
    if name in (".", ".."):
        raise NameRejected(kind, name, "is a directory name")
    if name.isdigit():
        raise NameRejected(kind, name, "digits only (the tools read it as a domain id)")
    return name


def check_host_name(name: str) -> str:
    """Return ``name`` when it is a hostname, IPv4 or IPv6 literal; else raise NameRejected."""
    kind = "host"
    if not isinstance(name, str):
        raise NameRejected(kind, repr(name), "not a string")
    if not name:
        raise NameRejected(kind, name, "empty")
    if len(name) > HOST_NAME_MAX + 2:
        raise NameRejected(kind, _shown(name), f"longer than {HOST_NAME_MAX} characters")
    bad = next((ch for ch in name if ch.isspace() or not ch.isprintable()), None)
    if bad is not None:
        raise NameRejected(kind, name, f"contains {_describe(bad)}")
    if name.startswith("-"):
        raise NameRejected(kind, name, "starts with '-' (it would be read as an option)")
    if ":" in name:
        return _check_ipv6(name)
    if re.fullmatch(r"[0-9.]+", name):
        try:
            ipaddress.IPv4Address(name)
        except ValueError:
            raise NameRejected(kind, name, "looks like an IPv4 address but is not one") from None
        return name
    host = name[:-1] if name.endswith(".") else name
    if len(host) > HOST_NAME_MAX:
        raise NameRejected(kind, name, f"longer than {HOST_NAME_MAX} characters")
    for label in host.split("."):
        if not label:
            raise NameRejected(kind, name, "has an empty label (two dots in a row)")
        if not _LABEL.match(label):
            bad = next(
                (ch for ch in label if not (ch.isascii() and (ch.isalnum() or ch in "_-"))), None
            )
            if bad is not None:
                raise NameRejected(kind, name, f"contains {_describe(bad)}")
            if len(label) > 63:
                raise NameRejected(kind, name, f"label {label[:20]!r}... longer than 63 characters")
            raise NameRejected(kind, name, f"label {label!r} starts or ends with '-'")
    return name


_URI_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")
URI_MAX = 1024


def check_uri(uri: str) -> str:
    """Return ``uri`` when it is one argv element that reads as a URI (``scheme://...``, so
    never an option), without whitespace or control characters; else raise NameRejected."""
    kind = "URI"
    if not isinstance(uri, str):
        raise NameRejected(kind, repr(uri), "not a string")
    if len(uri) > URI_MAX:
        raise NameRejected(kind, _shown(uri), f"longer than {URI_MAX} characters")
    bad = next((ch for ch in uri if ch.isspace() or not ch.isprintable()), None)
    if bad is not None:
        raise NameRejected(kind, uri, f"contains {_describe(bad)}")
    if not _URI_SCHEME.match(uri):
        raise NameRejected(kind, uri, "does not start with a scheme and :// (qemu+ssh://...)")
    return uri


def _check_ipv6(name: str) -> str:
    inner = name[1:-1] if name.startswith("[") and name.endswith("]") else name
    address, _, scope = inner.partition("%")
    if scope and not _SCOPE.match(scope):
        raise NameRejected("host", name, f"IPv6 zone {scope!r} is not an interface name")
    try:
        ipaddress.IPv6Address(address)
    except ValueError as exc:
        raise NameRejected("host", name, f"not an IPv6 address ({exc})") from None
    return name
