"""Name checks: real names pass; anything that could reach a shell or an option parser fails."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xentui.toolstack.base import NameRejected
from xentui.toolstack.names import check_domain_name, check_host_name

REAL_DOMAINS = [
    "virt_server",
    "Domain-0",
    "migrating-virt_server",
    "Zombie-migrating-virt_server",
    "virt_server--incoming",
    "virt_server--migratedaway",
    "vm16",
    "guest-01",
    "web.example.com",
    "rhel5:pv+hvm",
    "gäst",
    "a" * 255,
    "1st-guest",
]


@pytest.mark.parametrize("name", REAL_DOMAINS)
def test_real_domain_names_pass(name: str) -> None:
    assert check_domain_name(name) == name


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("x; rm -rf /", "shell metacharacter ';'"),
        ("x;rm", "shell metacharacter ';'"),
        ("", "empty"),
        ("a" * 256, "longer than 255"),
        ("ä" * 128, "longer than 255"),
        ("-l", "starts with '-'"),
        ("--help", "starts with '-'"),
        ("../etc/passwd", "'/'"),
        ("a/b", "'/'"),
        ("a\nb", "whitespace"),
        ("a\tb", "whitespace"),
        ("a\x00b", "control character"),
        ("a\x1b[31m", "control character"),
        ("$(reboot)", "shell metacharacter '$'"),
        ("`id`", "shell metacharacter '`'"),
        ("a|b", "shell metacharacter '|'"),
        ("a&b", "shell metacharacter '&'"),
        ("a>b", "shell metacharacter '>'"),
        ("a'b", "shell metacharacter"),
        ('a"b', "shell metacharacter"),
        ("a\\b", "shell metacharacter"),
        ("a*", "shell metacharacter '*'"),
        ("..", "directory"),
        ("42", "domain id"),
        ("[red]x[/]", "shell metacharacter '['"),
        ("a b", "whitespace ' '"),
    ],
)
def test_bad_domain_names_are_refused_with_the_reason(name: str, why: str) -> None:
    with pytest.raises(NameRejected) as info:
        check_domain_name(name)
    text = str(info.value)
    assert why in text
    assert "\n" not in text, "the message must be one line even for a name with a newline"
    assert info.value.kind == "domain"
    assert info.value.name == name or why.startswith("longer")


def test_the_injection_example_reads_clearly() -> None:
    with pytest.raises(
        NameRejected, match=r"refused domain name 'x; rm -rf /': contains shell metacharacter ';'"
    ):
        check_domain_name("x; rm -rf /")


@given(st.text(max_size=40))
def test_accepted_domain_names_hold_no_dangerous_character(name: str) -> None:
    try:
        check_domain_name(name)
    except NameRejected:
        return
    assert not name.startswith("-")
    assert all(ch.isalnum() or ch in "_-.:+@,=" for ch in name)


REAL_HOSTS = [
    "xen_host_1",
    "xen_host_2",
    "localhost",
    "xen1.example.com",
    "xen1.example.com.",
    "127.0.0.1",
    "10.1.2.3",
    "::1",
    "[::1]",
    "fe80::1%eth0",
    "2001:db8::42",
    "a" * 63,
    ".".join(["a" * 63] * 3) + "." + "a" * 61,
]


@pytest.mark.parametrize("name", REAL_HOSTS)
def test_real_host_names_pass(name: str) -> None:
    assert check_host_name(name) == name


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("", "empty"),
        ("x; rm -rf /", "whitespace"),
        ("x;rm", "shell metacharacter ';'"),
        ("-oProxyCommand=sh", "starts with '-'"),
        ("host-", "ends with '-'"),
        ("a..b", "empty label"),
        ("a" * 64, "longer than 63"),
        ("a." * 130, "longer than 253"),
        ("256.1.1.1", "IPv4"),
        ("1.2.3", "IPv4"),
        ("::g", "IPv6"),
        ("fe80::1%$(id)", "zone"),
        ("user@host", "character '@'"),
        ("host/x", "character '/'"),
        ("hést", "character 'é'"),
        ("a\x00", "control character"),
    ],
)
def test_bad_host_names_are_refused_with_the_reason(name: str, why: str) -> None:
    with pytest.raises(NameRejected) as info:
        check_host_name(name)
    assert why in str(info.value)
    assert info.value.kind == "host"


@given(st.text(max_size=40))
def test_host_check_raises_only_name_rejected(name: str) -> None:
    try:
        assert check_host_name(name) == name
    except NameRejected:
        return
    assert not name.startswith("-") and not any(ch.isspace() for ch in name)
    assert not set(name) & set(";|&$`'\"\\<>()*?")


def test_a_huge_name_is_refused_in_a_short_message() -> None:
    for check in (check_domain_name, check_host_name):
        with pytest.raises(NameRejected) as info:
            check("x" * 10_000_000)
        assert len(str(info.value)) < 200 and "10000000 characters" in str(info.value)
