"""ssh between lab hosts checks host keys as OpenSSH does: unknown, accepted, changed, hashed."""

from __future__ import annotations

import base64
import hashlib
import hmac

from tests.lab.helpers import assert_one_guest, ssh

FAILED = "Host key verification failed.\n"


def _key_of(lab, name: str) -> str:
    """The ``TYPE BASE64`` of a lab host's real SSH host key."""
    key = lab.endpoints[name].host_key.export_public_key("openssh").decode()
    return " ".join(key.split()[:2])


async def test_an_unknown_host_key_stops_ssh_and_xl_migrate(lab_factory) -> None:
    lab = await lab_factory(toolstack="xl")
    ok = await ssh(lab, "xen_host_1", "ssh -o BatchMode=yes xen_host_2 hostname")
    assert (ok.exit_status, ok.stdout, ok.stderr) == (0, "xen_host_2\n", "")
    # without the site's ssh_known_hosts, xen_host_1 has never seen xen_host_2's key
    await ssh(lab, "xen_host_1", "mv /etc/ssh/ssh_known_hosts /root/ssh_known_hosts.old")
    refused = await ssh(lab, "xen_host_1", "ssh -o BatchMode=yes xen_host_2 hostname")
    assert (refused.exit_status, refused.stdout, refused.stderr) == (255, "", FAILED)
    strict = await ssh(lab, "xen_host_1", "ssh -o StrictHostKeyChecking=yes xen_host_2 true")
    assert strict.exit_status == 255
    assert strict.stderr == (
        "No ED25519 host key is known for xen_host_2 and you have requested strict checking.\n"
        + FAILED
    )
    moved = await ssh(lab, "xen_host_1", "xl migrate virt_server xen_host_2")
    assert moved.exit_status == 1
    assert moved.stderr.startswith(FAILED)
    assert moved.stderr.rstrip().endswith("exited with error status 255")
    assert lab.where_is_guest() == "xen_host_1" and not lab.guest.migrating
    assert_one_guest(lab)
    # accept-new records the key once, says so once, and xl migrate then goes through
    new = await ssh(lab, "xen_host_1", "ssh -o StrictHostKeyChecking=accept-new xen_host_2 true")
    assert new.exit_status == 0
    assert new.stderr == (
        "Warning: Permanently added 'xen_host_2' (ED25519) to the list of known hosts.\n"
    )
    known = lab.host("xen_host_1").vfs.read_text("/root/.ssh/known_hosts")
    assert known == f"xen_host_2 {_key_of(lab, 'xen_host_2')}\n"
    again = await ssh(lab, "xen_host_1", "ssh -o BatchMode=yes xen_host_2 true")
    assert (again.exit_status, again.stderr) == (0, "")
    moved = await ssh(lab, "xen_host_1", "xl migrate virt_server xen_host_2")
    assert moved.exit_status == 0, moved.stderr
    assert lab.where_is_guest() == "xen_host_2"
    assert_one_guest(lab)


async def test_a_changed_host_key_is_a_man_in_the_middle_warning(lab_factory) -> None:
    lab = await lab_factory(toolstack="xl", hosts=3)
    await ssh(lab, "xen_host_1", "mv /etc/ssh/ssh_known_hosts /root/ssh_known_hosts.old")
    wrong = f"# kept by hand\nxen_host_2 {_key_of(lab, 'xen_host_3')}\n"
    await ssh(lab, "xen_host_1", "mkdir -p /root/.ssh && cat > /root/.ssh/known_hosts", wrong)
    for strict in ("", "-o StrictHostKeyChecking=accept-new "):
        r = await ssh(lab, "xen_host_1", f"ssh {strict}xen_host_2 hostname")
        lines = r.stderr.splitlines()
        assert r.exit_status == 255 and r.stdout == ""
        assert lines[1] == "@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @"
        assert "Offending ED25519 key in /root/.ssh/known_hosts:2" in lines
        assert lines[-2:] == [
            "Host key for xen_host_2 has changed and you have requested strict checking.",
            FAILED.strip(),
        ]
    # the file is left as it was: a changed key is never "accepted"
    assert lab.host("xen_host_1").vfs.read_text("/root/.ssh/known_hosts") == wrong
    moved = await ssh(lab, "xen_host_1", "xl migrate virt_server xen_host_2")
    assert moved.exit_status == 1 and "REMOTE HOST IDENTIFICATION HAS CHANGED" in moved.stderr
    assert lab.where_is_guest() == "xen_host_1"
    assert_one_guest(lab)
    # StrictHostKeyChecking=no warns but lets publickey through
    loose = await ssh(lab, "xen_host_1", "ssh -o StrictHostKeyChecking=no xen_host_2 hostname")
    assert loose.exit_status == 0 and loose.stdout == "xen_host_2\n"
    assert "Password authentication is disabled" in loose.stderr


async def test_hashed_and_pattern_entries_match_like_openssh(lab_factory) -> None:
    lab = await lab_factory(toolstack="xl", hosts=3)
    await ssh(lab, "xen_host_1", "mv /etc/ssh/ssh_known_hosts /root/ssh_known_hosts.old")
    salt = b"0123456789abcdefghij"
    digest = hmac.new(salt, b"xen_host_2", hashlib.sha1).digest()
    hashed = f"|1|{base64.b64encode(salt).decode()}|{base64.b64encode(digest).decode()}"
    text = (
        f"{hashed} {_key_of(lab, 'xen_host_2')}\n"
        f"xen_host_*,!xen_host_2 {_key_of(lab, 'xen_host_3')}\n"
    )
    await ssh(lab, "xen_host_1", "mkdir -p /root/.ssh && cat > /root/.ssh/known_hosts", text)
    for target in ("xen_host_2", "xen_host_3"):
        r = await ssh(lab, "xen_host_1", f"ssh -o BatchMode=yes {target} hostname")
        assert (r.exit_status, r.stdout, r.stderr) == (0, f"{target}\n", ""), target
    # the user file can be turned off: then nothing is known
    off = await ssh(lab, "xen_host_1", "ssh -o UserKnownHostsFile=/dev/null xen_host_2 true")
    assert (off.exit_status, off.stderr) == (255, FAILED)


async def test_xl_migrate_takes_its_ssh_command_from_s(lab_factory) -> None:
    """`xl migrate -s` is the rune's transport: its ssh options apply, another is not found."""
    lab = await lab_factory(toolstack="xl")
    await ssh(lab, "xen_host_1", "mv /etc/ssh/ssh_known_hosts /root/ssh_known_hosts.old")
    other = await ssh(lab, "xen_host_1", "xl migrate -s rsh virt_server xen_host_2")
    assert other.exit_status == 1
    assert other.stderr.startswith("sh: rsh: command not found\n")
    assert other.stderr.rstrip().endswith("exited with error status 127")
    plain = await ssh(lab, "xen_host_1", "xl migrate virt_server xen_host_2")
    assert plain.exit_status == 1 and plain.stderr.startswith(FAILED)
    assert lab.where_is_guest() == "xen_host_1"
    rune = "xl migrate -s 'ssh -o StrictHostKeyChecking=accept-new' virt_server xen_host_2"
    moved = await ssh(lab, "xen_host_1", rune)
    assert moved.exit_status == 0, moved.stderr
    lines = moved.stderr.splitlines()
    added = "Warning: Permanently added 'xen_host_2' (ED25519) to the list of known hosts."
    assert lines[0] == added
    assert lines[-1] == "Migration successful."
    assert lab.where_is_guest() == "xen_host_2"
    assert_one_guest(lab)


def test_patterns_are_openssh_globs_where_brackets_are_literal() -> None:
    """``[host]:port`` entries are literal text to OpenSSH; only ``*``, ``?`` and ``!`` match."""
    from xentui.lab.machine.known_hosts import _matches

    assert _matches("[127.0.0.2]:2222", "[127.0.0.2]:2222")
    assert not _matches("[127.0.0.2]:2222", "1")
    assert _matches("xen_host_*", "xen_host_2") and not _matches("xen_host_?", "xen_host_10")
    assert not _matches("xen*,!xen_host_2", "xen_host_2") and _matches("xen*,!xen_host_2", "xen1")
