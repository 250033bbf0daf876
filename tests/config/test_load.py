"""Good lab files load into the typed frozen objects, with defaults and resolved paths."""

from __future__ import annotations

import dataclasses
import os
import pwd
import re
import shutil
import tempfile
from pathlib import Path

import pytest

from xentui.config import (
    DEFAULT_BUFFER_S,
    DEFAULT_POLL_INTERVAL_S,
    ConfigError,
    load_config,
    parse_config,
)
from xentui.config import build as config_build
from xentui.config import ui as config_ui
from xentui.config.source import Locator

EXAMPLE = Path(__file__).parents[2] / "xentui.example.toml"
MINIMAL = """\
[guest]
name = "virt_server"
stream_url = "http://127.0.0.1:8888/TruthHappens.ogg"

[[host]]
name = "xen_host_1"
"""


def write(folder: Path, text: str, name: str = "xentui.toml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_example_loads_and_documents_every_key(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    lab = load_config(EXAMPLE)
    assert [h.name for h in lab.hosts] == ["xen_host_1", "xen_host_2"]
    assert lab.guest.name == "virt_server"
    assert lab.guest.stream_url == "http://virt_server:8888/TruthHappens.ogg"
    assert lab.guest.ssh is not None and lab.guest.ssh.user == "root"
    first = lab.host("xen_host_1")
    assert first.toolstack == "xm" and first.transport == "ssh" and first.sudo is False
    assert first.ssh.kex_algorithms[0] == "diffie-hellman-group14-sha1"
    assert first.ssh.host_key_algorithms == ("ssh-rsa",)
    assert first.ssh.known_hosts == tmp_path / ".ssh" / "known_hosts"
    text = EXAMPLE.read_text(encoding="utf-8")
    keys = {
        *config_build._ROOT_KEYS,
        *config_build._PROBE_KEYS,
        *config_build._GUEST_KEYS,
        *config_build._HOST_KEYS,
    }
    for key in keys - {"probe", "guest", "host", "keys"}:
        assert re.search(rf"^(# )?{key} = ", text, re.M), f"{key} is not documented"
    for action, key in config_ui.DEFAULT_KEYS.items():  # [keys]: each action, its default
        assert re.search(rf'^# {action} = "{key}"', text, re.M), f"{action} is not documented"
    for table in ("[probe]", "[guest]", "[[host]]", "[keys]"):
        assert table in text


def test_a_minimal_file_takes_the_defaults(tmp_path) -> None:
    lab = load_config(write(tmp_path, MINIMAL))
    assert lab.path == tmp_path / "xentui.toml"
    assert lab.poll_interval_s == DEFAULT_POLL_INTERVAL_S
    assert lab.probe.buffer_s == DEFAULT_BUFFER_S
    assert lab.guest.ssh is None
    (host,) = lab.hosts
    assert (host.toolstack, host.transport, host.sudo) == ("xm", "ssh", False)
    assert host.migrate_address is None and host.migration_target == "xen_host_1"
    assert host.migrate_uri is None and host.migration_uri == "qemu+ssh://xen_host_1/system"
    ssh = host.ssh
    assert (ssh.address, ssh.port, ssh.user, ssh.identity_file, ssh.known_hosts) == (None,) * 5
    assert (ssh.kex_algorithms, ssh.host_key_algorithms) == ((), ())
    assert ssh.destination == "xen_host_1"


def test_every_key_is_read(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "keys").mkdir()
    (tmp_path / "keys" / "id_ed25519").write_text("key")
    (tmp_path / "home").mkdir()
    (tmp_path / "home" / "guest_key").write_text("key")
    monkeypatch.chdir("/")  # relative paths follow the lab file, not the working folder
    lab = load_config(
        write(
            tmp_path,
            """\
poll_interval_s = 2
[probe]
buffer_s = 7.5
[guest]
name = "virt_server"
stream_url = "HTTPS://[::1]:8443/live.ogg"
address = "127.0.0.9"
port = 2222
user = "guest"
identity_file = "~/guest_key"
known_hosts = "guest_known_hosts"
[[host]]
name = "xen_host_1"
toolstack = "xl"
transport = "ssh"
address = "::1"
port = 2201
user = "demo"
identity_file = "keys/id_ed25519"
known_hosts = "/nonexistent/known_hosts"
sudo = true
migrate_address = "10.0.0.1"
migrate_uri = "qemu+unix:///session?socket=/run/lab/libvirt-sock"
kex_algorithms = ["diffie-hellman-group14-sha1"]
host_key_algorithms = ["ssh-rsa", "ssh-dss"]
[[host]]
name = "dom0"
toolstack = "virsh"
transport = "local"
sudo = true
""",
        )
    )
    assert lab.poll_interval_s == 2.0 and isinstance(lab.poll_interval_s, float)
    assert lab.probe.buffer_s == 7.5
    guest = lab.guest.ssh
    assert guest is not None and guest.name == "virt_server" and guest.destination == "127.0.0.9"
    assert (guest.port, guest.user) == (2222, "guest")
    assert guest.identity_file == tmp_path / "home" / "guest_key"
    assert guest.known_hosts == tmp_path / "guest_known_hosts"  # need not exist yet
    one = lab.host("xen_host_1")
    assert (one.toolstack, one.sudo, one.migration_target) == ("xl", True, "10.0.0.1")
    assert (one.ssh.address, one.ssh.port, one.ssh.user) == ("::1", 2201, "demo")
    assert one.migration_uri == "qemu+unix:///session?socket=/run/lab/libvirt-sock"
    assert one.ssh.identity_file == tmp_path / "keys" / "id_ed25519"
    assert one.ssh.known_hosts == Path("/nonexistent/known_hosts")
    assert one.ssh.host_key_algorithms == ("ssh-rsa", "ssh-dss")
    local = lab.host("dom0")
    assert (local.toolstack, local.transport, local.sudo) == ("virsh", "local", True)
    with pytest.raises(KeyError):
        lab.host("xen_host_9")


def test_the_objects_are_frozen(tmp_path) -> None:
    lab = load_config(write(tmp_path, MINIMAL))
    for obj, field in ((lab, "poll_interval_s"), (lab.hosts[0], "sudo"), (lab.guest, "name")):
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(obj, field, None)
    assert isinstance(lab.hosts, tuple)


def test_a_byte_order_mark_and_crlf_line_ends_are_accepted(tmp_path) -> None:
    path = tmp_path / "win.toml"
    path.write_bytes(b"\xef\xbb\xbf" + MINIMAL.replace("\n", "\r\n").encode())
    assert load_config(path).guest.name == "virt_server"


def test_inline_tables_and_dotted_keys_are_toml_too(tmp_path) -> None:
    text = 'guest = { name = "g1", stream_url = "http://127.0.0.1/x" }\n'
    text += 'host = [{ name = "h1" }, { name = "h2", toolstack = "xl" }]\nprobe.buffer_s = 3\n'
    lab = load_config(write(tmp_path, text))
    assert [h.toolstack for h in lab.hosts] == ["xm", "xl"] and lab.probe.buffer_s == 3.0


def test_lines_inside_a_multiline_string_are_not_keys() -> None:
    text = 'note = """\nport = 1\n[[host]]\n"""\n[[host]]\nport = 0\n'
    where = Locator(text)
    assert where.line((), "note") == 1
    assert where.line(("host", 0), "port") == 6
    assert where.line(("host", 0)) == 5
    assert where.line(("guest",), "port") is None


def test_lines_of_nested_and_quoted_tables() -> None:
    text = '[[host]]\nname = "a"\n[[host]]\n"na.me" = 1\n[host.ssh]\nport = 1\nx = [\n{ a = 1 },\n]'
    where = Locator(text)
    assert where.line(("host", 1), "na.me") == 4
    assert where.line(("host", 1), "ssh") == 5
    assert where.line(("host", 1, "ssh"), "port") == 6
    assert where.line(("host", 1, "ssh", "x", 0), "a") == 7  # inline: the line of its key
    assert where.line((), "host") == 1


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda d: d / "nope.toml", "no such file"),
        (lambda d: d, "is a directory"),
        (lambda d: write(d, MINIMAL) / "below.toml", "cannot read"),
    ],
    ids=["missing", "directory", "below-a-file"],
)
def test_files_that_cannot_be_read(tmp_path, make, expected) -> None:
    path = make(tmp_path)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    text = str(caught.value)
    assert text.startswith(f"{path}: ") and expected in text and len(text.splitlines()) == 1


def test_an_unreadable_file() -> None:
    """Root reads a file whatever its mode, so as root the read is made as ``nobody`` (seteuid,
    undone at once): CI runs as root, and a skip there would hide this error's wording."""
    folder = Path(tempfile.mkdtemp(prefix="xentui-unreadable-"))  # tmp_path's parents are 0700
    try:
        folder.chmod(0o755)
        path = write(folder, MINIMAL)
        path.chmod(0)
        root = os.geteuid() == 0
        if root:
            os.seteuid(pwd.getpwnam("nobody").pw_uid)
        try:
            with pytest.raises(ConfigError, match="cannot read: permission denied"):
                load_config(path)
        finally:
            if root:
                os.seteuid(0)
    finally:
        shutil.rmtree(folder)


def test_a_file_name_with_a_newline_stays_one_line(tmp_path) -> None:
    path = write(tmp_path, "[guest\n", name="bad\nname.toml")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert len(str(caught.value).splitlines()) == 1
    assert "bad\\nname.toml:1: TOML syntax" in str(caught.value)


def test_a_value_with_line_breaks_is_shown_escaped(tmp_path) -> None:
    text = MINIMAL + 'toolstack = "xm\\u2028\\r\\n"\n'
    with pytest.raises(ConfigError) as caught:
        parse_config(text, tmp_path / "x.toml")
    assert len(str(caught.value).splitlines()) == 1
    assert '"xm\\u2028\\r\\n"' in str(caught.value)


def test_parse_config_gives_what_load_config_reads_and_it_is_frozen(tmp_path) -> None:
    """Text already read (a test, a lab writing its own file) and the file give one record,
    and it cannot change under the engine's tasks that share it."""
    path = write(tmp_path, MINIMAL)
    parsed = parse_config(MINIMAL, path)
    assert parsed == load_config(path)
    assert (parsed.path, parsed.guest.name, [h.name for h in parsed.hosts]) == (
        path,
        "virt_server",
        ["xen_host_1"],
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        parsed.poll_interval_s = 2.0  # type: ignore[misc]


def test_a_dotted_key_error_names_its_own_line(tmp_path) -> None:
    text = 'guest.name = "virt_server"\nguest.stream_url = "http://127.0.0.1:8888/x.ogg"\n'
    text += 'guest.port = "22x"\n[[host]]\nname = "xen_host_1"\n'
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(caught.value).startswith(f"{path}:3: [guest.port] expected an integer 1-65535")


@pytest.mark.parametrize(
    ("extra", "uri"),
    [
        ("", "qemu+ssh://xen_host_1/system"),
        ('migrate_address = "10.0.0.1"', "qemu+ssh://10.0.0.1/system"),
        ('migrate_address = "fd00::1"', "qemu+ssh://[fd00::1]/system"),
        ('migrate_uri = "qemu+tcp://10.0.0.1:16509/system"', "qemu+tcp://10.0.0.1:16509/system"),
        ('migrate_uri = "qemu:///system"', "qemu:///system"),
    ],
)
def test_the_migration_uri_defaults_to_qemu_over_ssh(tmp_path, extra, uri) -> None:
    """What ``virsh migrate --live DOMAIN URI`` gets when this host is the target."""
    lab = load_config(write(tmp_path, MINIMAL + extra + "\n"))
    assert lab.hosts[0].migration_uri == uri
