"""OpenSSH's host-key check for ssh between lab machines, over known_hosts files in each VFS.

ssh reads ``~/.ssh/known_hosts`` and ``/etc/ssh/ssh_known_hosts``. A key no file holds fails
when nobody can answer the prompt ("Host key verification failed."); ``accept-new`` and ``no``
add it; a changed key stops the connection. The lab's hosts share an ``ssh_known_hosts`` with
every lab machine in it, as a site's admins distribute one, so removing it shows the real check.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import posixpath
import re
from typing import TYPE_CHECKING

from xentui.lab.machine import sshkeys
from xentui.lab.machine.shell import Out

if TYPE_CHECKING:
    from xentui.lab.lab import Lab
    from xentui.lab.machine.shell import Machine
    from xentui.lab.machine.ssh_cli import Call

GLOBAL = "/etc/ssh/ssh_known_hosts"
FAILED = "Host key verification failed.\n"
NO_FILES = ("/dev/null", "none")
SELF = ("localhost", "localhost.localdomain", "127.0.0.1")
"""Names by which a host reaches itself."""


def _glob(pattern: str, token: str) -> bool:
    """OpenSSH's match_pattern: only ``*`` and ``?`` are special (``[host]:port`` is literal)."""
    regex = re.escape(pattern).replace(r"\*", ".*").replace(r"\?", ".")
    return re.fullmatch(regex, token, re.DOTALL) is not None


def _matches(patterns: str, token: str) -> bool:
    if patterns.startswith("|1|"):  # HashKnownHosts: HMAC-SHA1 of the name, keyed by the salt
        parts = patterns.split("|")
        if len(parts) != 4:
            return False
        try:
            salt, digest = base64.b64decode(parts[2]), base64.b64decode(parts[3])
        except ValueError:
            return False
        return hmac.compare_digest(hmac.new(salt, token.encode(), hashlib.sha1).digest(), digest)
    found = False
    for pattern in patterns.lower().split(","):
        negated = pattern.startswith("!")
        if _glob(pattern.lstrip("!"), token):
            if negated:
                return False
            found = True
    return found


def _files(call: Call) -> tuple[list[str], list[str]]:
    home = sshkeys.home_of("root")
    user = call.options.get("userknownhostsfile", f"{home}/.ssh/known_hosts").split()
    system = call.options.get("globalknownhostsfile", GLOBAL).split()
    user = [p.replace("~", home, 1) if p.startswith("~") else p for p in user]
    return [p for p in user if p not in NO_FILES], [p for p in system if p not in NO_FILES]


def _key_type(algo: str) -> str:
    return {"ssh-ed25519": "ED25519", "ssh-rsa": "RSA", "ssh-dss": "DSA"}.get(algo, "ECDSA")


def check(lab: Lab, source: Machine, call: Call, target: Machine, public: str) -> Out | None:
    """None to go on (stderr warnings aside), else ssh's refusal; may add the key to a file."""
    token = call.host.lower() if call.port == 22 else f"[{call.host.lower()}]:{call.port}"
    ident = sshkeys.key_id(public)
    assert ident is not None
    user_files, system_files = _files(call)
    offending: tuple[str, int] | None = None
    for path in user_files + system_files:
        text = sshkeys.read_or_empty(source.vfs, path)
        for number, line in enumerate(text.splitlines(), start=1):
            words = line.split()
            if len(words) < 3 or words[0].startswith("#") or words[0] == "@cert-authority":
                continue
            revoked = words[0] == "@revoked"
            if revoked:
                words = words[1:]
            if len(words) < 3 or not _matches(words[0], token):
                continue
            if (words[1], words[2]) == ident:
                if revoked:
                    return Out(stderr=f"Host key for {call.host} was revoked.\n" + FAILED, rc=255)
                return None
            if words[1] == ident[0] and offending is None:
                offending = (path, number)
    strict = call.options.get("stricthostkeychecking", "ask").lower()
    kind = _key_type(ident[0])
    if offending is not None:
        return _changed(call, kind, sshkeys.fingerprint(public), offending, user_files, strict)
    if strict in ("no", "off", "accept-new"):
        if user_files:
            _add(source, user_files[0], call.host.lower(), public)
        return Out(
            stderr=f"Warning: Permanently added '{call.host}' ({kind}) to the list of known "
            "hosts.\n"
        )
    if strict in ("yes", "true"):
        return Out(
            stderr=f"No {kind} host key is known for {call.host} and you have requested "
            f"strict checking.\n{FAILED}",
            rc=255,
        )
    return Out(stderr=FAILED, rc=255)  # "ask", with no terminal to ask on


def _changed(
    call: Call,
    kind: str,
    fingerprint: str,
    offending: tuple[str, int],
    user_files: list[str],
    strict: str,
) -> Out:
    at = "@" * 59
    said = (
        f"{at}\n@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\n{at}\n"
        "IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!\n"
        "Someone could be eavesdropping on you right now (man-in-the-middle attack)!\n"
        "It is also possible that a host key has just been changed.\n"
        f"The fingerprint for the {kind} key sent by the remote host is\n{fingerprint}.\n"
        "Please contact your system administrator.\n"
        f"Add correct host key in {(user_files or [offending[0]])[0]} to get rid of this "
        f"message.\nOffending {kind} key in {offending[0]}:{offending[1]}\n"
    )
    if strict in ("no", "off"):  # publickey still goes on; passwords would not
        return Out(
            stderr=said + "Password authentication is disabled to avoid man-in-the-middle "
            "attacks.\nKeyboard-interactive authentication is disabled to avoid "
            "man-in-the-middle attacks.\n"
        )
    return Out(
        stderr=said + f"Host key for {call.host} has changed and you have requested strict "
        f"checking.\n{FAILED}",
        rc=255,
    )


def _add(source: Machine, path: str, name: str, public: str) -> None:
    source.vfs.mkdir(posixpath.dirname(path))
    old = sshkeys.read_or_empty(source.vfs, path)
    sep = "\n" if old and not old.endswith("\n") else ""
    algo, blob = sshkeys.key_id(public) or ("", "")
    source.vfs.write(path, f"{sep}{name} {algo} {blob}\n", append=True)


def install_global(lab: Lab) -> None:
    """Every host's ``/etc/ssh/ssh_known_hosts``: each lab machine by name and address."""
    machines = [(name, lab.hosts[name].ip, ep) for name, ep in lab.endpoints.items()]
    machines.append((lab.options.guest_name, lab.guest.ip, lab.guest_endpoint))
    for host in lab.hosts.values():
        lines = []
        for name, ip, endpoint in machines:
            names = [name, ip] + (
                ["localhost", "localhost.localdomain"] if name == host.name else []
            )
            key = endpoint.host_key.export_public_key("openssh").decode().split()[:2]
            lines.append(f"{','.join(names)} {' '.join(key)}\n")
        host.vfs.mkdir("/etc/ssh")
        host.vfs.write(GLOBAL, "".join(lines))
