"""Pure parts of remote/: the KEXINIT reader, the negotiation sentence, output capping."""

from __future__ import annotations

import os
import struct

from hypothesis import given
from hypothesis import strategies as st

from xentui.remote.errors import explain_negotiation
from xentui.remote.kexprobe import mismatch, parse_kexinit
from xentui.remote.output import Buffer

names = st.lists(st.from_regex(r"[a-z0-9@.-]{1,30}", fullmatch=True), min_size=1, max_size=8)


def kexinit(kex: list[str], hk: list[str]) -> bytes:
    body = bytes([20]) + os.urandom(16)
    for lst in (kex, hk, ["aes128-ctr"] * 1):
        text = ",".join(lst).encode()
        body += struct.pack(">I", len(text)) + text
    return body


@given(names, names)
def test_kexinit_name_lists_round_trip(kex, hk) -> None:
    assert parse_kexinit(kexinit(kex, hk)) == {"kex": kex, "host_key": hk}


def test_mismatch_names_the_first_kind_without_overlap() -> None:
    client = {"kex": ["curve25519-sha256"], "host_key": ["ssh-ed25519"]}
    server = {"kex": ["diffie-hellman-group1-sha1"], "host_key": ["ssh-rsa"]}
    text = mismatch(client, server)
    assert text is not None and "key exchange" in text
    assert mismatch(client, {"kex": ["curve25519-sha256"], "host_key": ["ssh-ed25519"]}) is None


def test_negotiation_sentence_offers_a_setting_asyncssh_can_use() -> None:
    text = (
        "No matching key exchange algorithm found, sent curve25519-sha256 and received "
        "made-up-kex@example.com,diffie-hellman-group1-sha1"
    )
    words = explain_negotiation("xen_host_1", text)
    assert 'kex_algorithms = ["diffie-hellman-group1-sha1"]' in words
    assert "Host xen_host_1" in words and "made-up-kex@example.com" in words


@given(st.lists(st.binary(max_size=300), max_size=20), st.integers(0, 500))
def test_buffer_keeps_a_prefix_up_to_the_cap_and_counts_the_rest(chunks, cap) -> None:
    buf = Buffer(cap)
    for c in chunks:
        buf.add(c)
    whole = b"".join(chunks)
    assert bytes(buf.data) == whole[:cap]
    assert buf.dropped == max(0, len(whole) - cap)
