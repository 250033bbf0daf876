"""No ssh_config setting turns host-key checking off: a key in no trusted file is refused.

OpenSSH reads ``UserKnownHostsFile none`` as "no file" (every key unknown), not "don't check";
``GlobalKnownHostsFile`` adds files to trust; ``StrictHostKeyChecking no`` is the one setting
that does switch checking off, and xentui ignores it, saying so.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.remote.sshd import RealSshd
from tests.remote.test_hostkeys import fingerprint
from tests.remote.test_ssh_config import alias_config, run_on
from xentui.config import HostConfig, SshTarget
from xentui.remote import HostKeyRejected, HostUnreachable, open_runner

ALIAS = "xen_host_1"


def config_with(sshd: RealSshd, home: Path, *lines: str) -> None:
    """~/.ssh/config: the alias for the sshd, then ``lines`` in its Host block."""
    extra = "".join(f"  {line}\n" for line in lines)
    (home / ".ssh" / "config").write_text(alias_config(sshd, ALIAS) + extra)


async def refused(target: SshTarget, *, trust_new: bool = False) -> HostKeyRejected:
    """The refusal of a connection to ``target`` (a connection that opens fails the test)."""
    with pytest.raises(HostKeyRejected) as err:
        runner = await open_runner(HostConfig(ssh=target), trust_new_host_keys=trust_new)
        await runner.close()
    return err.value


def names_the_key(err: HostKeyRejected, sshd: RealSshd) -> None:
    fp = fingerprint(f"{sshd.host_key}.pub")
    assert err.host == ALIAS and err.fingerprint == fp and not err.changed
    assert f"[127.0.0.1]:{sshd.port}" in err.reason and fp in err.reason
    assert "unknown" in err.reason


@pytest.mark.parametrize(
    "lines",
    [
        ["UserKnownHostsFile none"],
        ["UserKnownHostsFile none", "GlobalKnownHostsFile none"],
        ["UserKnownHostsFile none", "StrictHostKeyChecking yes"],
    ],
    ids=["user-none", "user-and-global-none", "user-none-strict-yes"],
)
async def test_no_known_hosts_file_means_every_key_is_unknown(sshd, home, lines) -> None:
    config_with(sshd, home, *lines)
    names_the_key(await refused(SshTarget(name=ALIAS)), sshd)


@pytest.mark.parametrize("value", ["no", "off", "accept-new"])
async def test_strict_host_key_checking_off_is_ignored_and_said_once(sshd, home, value) -> None:
    config_with(sshd, home, f"StrictHostKeyChecking {value}", "UserKnownHostsFile /dev/null")
    err = await refused(SshTarget(name=ALIAS))
    names_the_key(err, sshd)
    assert err.reason.count(f"StrictHostKeyChecking {value}") == 1
    assert "ignore" in err.reason and "\n" not in err.reason


@pytest.mark.parametrize(
    ("user_file", "lab_file"),
    [("none", None), ("/dev/null", None), (None, Path("/dev/null"))],
    ids=["config-none", "config-dev-null", "lab-file-dev-null"],
)
async def test_trusting_a_new_key_with_no_file_to_record_it_is_refused(
    sshd, home, user_file, lab_file
) -> None:
    config_with(sshd, home, *([f"UserKnownHostsFile {user_file}"] if user_file else []))
    err = await refused(SshTarget(name=ALIAS, known_hosts=lab_file), trust_new=True)
    names_the_key(err, sshd)
    # nowhere to record it: no dialog offers to (known_hosts ""), the words say where it can go
    assert err.known_hosts == ""
    assert "known_hosts" in err.reason and "lab file" in err.reason
    assert (f"UserKnownHostsFile {user_file}" if user_file else str(lab_file)) in err.reason
    assert not (home / ".ssh" / "known_hosts").exists()


async def test_global_known_hosts_file_is_trusted_beside_the_lab_files_known_hosts(
    sshd, home, tmp_path
) -> None:
    shared = tmp_path / "ssh_known_hosts"
    shared.write_text(sshd.known_hosts.read_text())
    lab_known = tmp_path / "lab_known_hosts"
    lab_known.write_text("")
    config_with(sshd, home, f"GlobalKnownHostsFile {shared}")
    assert await run_on(SshTarget(name=ALIAS, known_hosts=lab_known)) == "via config\n"
    assert lab_known.read_text() == ""


async def test_global_known_hosts_file_adds_to_the_users_known_hosts(sshd, home, tmp_path) -> None:
    (home / ".ssh" / "known_hosts").write_text(sshd.known_hosts.read_text())
    other = tmp_path / "ssh_known_hosts"
    other.write_text("")
    config_with(sshd, home, f"GlobalKnownHostsFile {other}")
    assert await run_on(SshTarget(name=ALIAS)) == "via config\n"


async def test_global_known_hosts_file_holding_the_key_with_user_file_none(
    sshd, home, tmp_path
) -> None:
    shared = tmp_path / "ssh_known_hosts"
    shared.write_text(sshd.known_hosts.read_text())
    config_with(sshd, home, "UserKnownHostsFile none", f"GlobalKnownHostsFile {shared}")
    assert await run_on(SshTarget(name=ALIAS)) == "via config\n"
    # and a key no file holds is still refused in that configuration
    shared.write_text("")
    names_the_key(await refused(SshTarget(name=ALIAS)), sshd)


async def test_a_jump_hosts_key_is_checked_whatever_its_config_says(sshd, home) -> None:
    """ProxyJump: the hop is a connection too; its ``UserKnownHostsFile none`` checks nothing."""
    jump = alias_config(sshd, "jump") + "  UserKnownHostsFile none\n"
    behind = alias_config(sshd, ALIAS) + "  ProxyJump jump\n"
    (home / ".ssh" / "config").write_text(jump + behind)
    # the host behind is known (the lab file names its known_hosts); the hop's key is in no file
    err = await refused(SshTarget(name=ALIAS, known_hosts=sshd.known_hosts), trust_new=True)
    names_the_key(err, sshd)
    assert "jump" in err.reason and "UserKnownHostsFile none" in err.reason
    assert err.known_hosts == ""  # the app's dialog is for the host itself, not its hop


async def test_a_known_hosts_line_that_cannot_be_read_is_named_with_its_file(
    sshd, home, tmp_path
) -> None:
    bad = tmp_path / "ssh_known_hosts"
    bad.write_text("this-is-not-a-known-hosts-line\n")
    config_with(sshd, home, f"GlobalKnownHostsFile {bad}")
    with pytest.raises(HostUnreachable) as err:
        await open_runner(HostConfig(ssh=SshTarget(name=ALIAS, known_hosts=sshd.known_hosts)))
    assert not isinstance(err.value, HostKeyRejected)
    assert str(bad) in err.value.reason and "known hosts entry" in err.value.reason
    assert "\n" not in err.value.reason
