"""Why a stream failed, in one line a presenter can act on."""

from __future__ import annotations

import httpx

_HINTS = {
    404: "no such file on the server (gnump3d: not in its root, /home/mp3 by default)",
    403: "the server refuses this file or this client (gnump3d's allowed clients?)",
    401: "the server asks for a password",
    500: "the server failed: see its error log",
    502: "a proxy could not reach the stream",
    503: "the server is busy or starting",
}


def describe_status(status: int, reason: str, url: str) -> str:
    hint = _HINTS.get(status, "not a stream")
    if reason.upper() == "OK" and not 200 <= status < 300:
        reason = ""  # gnump3d says OK whatever the status: "HTTP 404 OK" reads as a success
    return f"HTTP {status} {reason or ''}".rstrip() + f" for {url}: {hint}"


def _where(url: str) -> str:
    try:
        u = httpx.URL(url)
    except httpx.InvalidURL:
        return url
    return f"{u.host}:{u.port or (443 if u.scheme == 'https' else 80)}"


def describe_error(exc: httpx.HTTPError, url: str) -> str:
    text = str(exc) or type(exc).__name__
    where = _where(url)
    low = text.lower()
    if isinstance(exc, httpx.ConnectTimeout):
        return f"connect timeout: {where} did not answer ({text})"
    if isinstance(exc, httpx.ReadTimeout):
        return f"the stream went silent: {text}; reconnecting"
    if isinstance(exc, httpx.ConnectError):
        if "resolve" in low or "name or service" in low or "nodename" in low:
            return f"DNS: {text}"
        if "refused" in low:
            return f"connection refused by {where}: is the stream server running?"
        return f"cannot connect to {where}: {text}"
    if isinstance(exc, httpx.RemoteProtocolError):
        if "incomplete" in low or "without sending complete" in low:
            return f"the stream ended early: {text}"
        return f"the server broke HTTP: {text}"
    if isinstance(exc, httpx.ReadError):
        return f"the connection broke: {text}"
    if isinstance(exc, httpx.TooManyRedirects):
        return f"too many redirects from {url}"
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
        return f"not a stream URL: {text}"
    return f"{type(exc).__name__}: {text}"


def looks_like_html(first: bytes) -> bool:
    """An HTML page sent where media was expected (some servers answer errors with 200)."""
    head = first[:64].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<head", b"<body"))
