"""Whatever text a lab file holds, loading it gives a LabConfig or one ConfigError line."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xentui.config import ConfigError, LabConfig, load_config, parse_config
from xentui.config import build as config_build

KEYS = sorted(
    {
        *config_build._ROOT_KEYS,
        *config_build._PROBE_KEYS,
        *config_build._GUEST_KEYS,
        *config_build._HOST_KEYS,
    }
    | {"adress", "x", '"quoted key"', "a.b", "probe.buffer_s", "host.name"}
)
VALUES = st.one_of(
    st.integers(min_value=-(2**63), max_value=2**63 - 1).map(str),
    st.floats().map(repr),
    st.text(max_size=12).map(lambda t: json.dumps(t, ensure_ascii=False)),
    st.sampled_from(
        [
            "true",
            "false",
            "nan",
            "-inf",
            "[]",
            "{}",
            '["a", 1]',
            '["ssh-rsa"]',
            '"xm"',
            '"local"',
            '"xen_host_1"',
            '"virt_server"',
            '"http://127.0.0.1:8888/x.ogg"',
            "1979-05-27T07:32:00Z",
            '"~"',
            '"."',
            "'''\nx\n'''",
            '{ name = "h" }',
            '[{ name = "h" }, { name = "h" }]',
            "9" * 5000,  # tomllib's int() refuses it with a bare ValueError
            "9" * 400,  # too large for a float
            "[" * 3000 + "]" * 3000,  # deeper than the recursion limit
        ]
    ),
)
LINES = st.one_of(
    st.tuples(st.sampled_from(KEYS), VALUES).map(lambda kv: f"{kv[0]} = {kv[1]}"),
    st.sampled_from(
        ["[guest]", "[[host]]", "[probe]", "[host]", "[[guest]]", "[host.ssh]", "", "# c", "["]
    ),
    st.text(max_size=16),
)
TEXTS = st.lists(LINES, max_size=24).map("\n".join)


def _pairs(keys: tuple[str, ...]) -> st.SearchStrategy[str]:
    pair = st.tuples(st.sampled_from(keys), VALUES).map(lambda kv: f"{kv[0]} = {kv[1]}")
    return st.lists(pair, max_size=3, unique_by=lambda line: line.split(" ")[0]).map("\n".join)


# a valid skeleton with random keys in each table, so the checks behind the syntax are reached
STRUCTURED = st.builds(
    lambda root, probe, guest, hosts: "\n".join(
        [
            root,
            "[probe]",
            probe,
            "[guest]",
            'name = "virt_server"',
            'stream_url = "http://127.0.0.1/x.ogg"',
            guest,
            *(f'[[host]]\nname = "h{i}"\n{body}' for i, body in enumerate(hosts)),
        ]
    ),
    _pairs(("poll_interval_s",)),
    _pairs(("buffer_s", "buffer")),
    _pairs(tuple(k for k in config_build._GUEST_KEYS if k not in ("name", "stream_url"))),
    st.lists(_pairs(config_build._HOST_KEYS[1:]), min_size=1, max_size=3),
)


def _check(outcome: LabConfig | ConfigError) -> None:
    if isinstance(outcome, ConfigError):
        assert len(str(outcome).splitlines()) == 1
        assert "\n" not in str(outcome)
    else:
        assert isinstance(outcome, LabConfig) and outcome.hosts


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(TEXTS, STRUCTURED))
def test_tomlish_text_only_ever_raises_config_error(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        try:
            outcome: LabConfig | ConfigError = parse_config(text, Path(folder) / "x.toml")
        except ConfigError as exc:
            outcome = exc
        _check(outcome)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=200), st.sampled_from([b"", b"[guest]\n", b"[[host]]\nname = "]))
def test_any_bytes_only_ever_raise_config_error(data: bytes, prefix: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "x.toml"
        path.write_bytes(prefix + data)
        try:
            outcome: LabConfig | ConfigError = load_config(path)
        except ConfigError as exc:
            outcome = exc
        _check(outcome)
