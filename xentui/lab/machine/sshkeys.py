"""Root's SSH keys on lab machines as files in their VFS, so ``xl migrate`` can need a key.

No cryptography: a key is its ``TYPE BASE64`` line, and a target accepts a client when that
line is in its ``authorized_keys``, as sshd decides for publickey authentication.
"""

from __future__ import annotations

import base64
import hashlib
import os
import posixpath
import textwrap
from collections.abc import Iterable

from xentui.lab.machine.vfs import Vfs, VfsError

# key type → (the blob's algorithm name, fixed bytes after it, random bytes, PEM label); RSA's
# fixed part is e=65537 and a 257-byte modulus length, so lines start "AAAAB3NzaC1yc2EAAAADAQAB".
KEY_TYPES = {
    "rsa": ("ssh-rsa", b"\0\0\0\x03\x01\0\x01\0\0\x01\x01\0", 256, "RSA"),
    "dsa": ("ssh-dss", b"\0\0\0\x81\0", 416, "DSA"),
    "ecdsa": ("ecdsa-sha2-nistp256", b"\0\0\0\x08nistp256\0\0\0\x41\x04", 64, "EC"),
    "ed25519": ("ssh-ed25519", b"\0\0\0\x20", 32, "OPENSSH"),
}
DEFAULT_IDENTITIES = ("id_rsa", "id_dsa", "id_ecdsa", "id_ed25519")
ENCRYPTED = "Proc-Type: 4,ENCRYPTED"


def home_of(user: str) -> str:
    return "/root" if user == "root" else f"/home/{user}"


def new_key(kind: str, comment: str, passphrase: str = "") -> tuple[str, str]:
    """(private file text, public line) of a fresh random key of that type."""
    algo, fixed, size, label = KEY_TYPES[kind]
    name = algo.encode()
    blob = len(name).to_bytes(4, "big") + name + fixed + os.urandom(size)
    public = f"{algo} {base64.b64encode(blob).decode()} {comment}\n"
    body = "\n".join(textwrap.wrap(base64.b64encode(os.urandom(size * 4)).decode(), 64))
    head = f"{ENCRYPTED}\nDEK-Info: AES-128-CBC,{os.urandom(16).hex().upper()}\n\n"
    private = (
        f"-----BEGIN {label} PRIVATE KEY-----\n{head if passphrase else ''}{body}\n"
        f"-----END {label} PRIVATE KEY-----\n"
    )
    return private, public


def key_id(line: str) -> tuple[str, str] | None:
    """(type, base64) of a public-key line, past any authorized_keys options before it."""
    words = line.split()
    for i, word in enumerate(words[:-1]):
        if word.startswith(("ssh-", "ecdsa-")) and words[i + 1].startswith("AAAA"):
            return word, words[i + 1]
    return None


def fingerprint(public: str) -> str:
    """``SHA256:...`` as ssh-keygen prints it."""
    ident = key_id(public)
    blob = base64.b64decode(ident[1]) if ident else b""
    return "SHA256:" + base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")


def read_or_empty(vfs: Vfs, path: str) -> str:
    try:
        return vfs.read_text(path)
    except VfsError:
        return ""


def identities(vfs: Vfs, user: str, extra: Iterable[str], only_extra: bool) -> list[str]:
    """Public lines of the keys ssh can use without asking for a passphrase."""
    ssh_dir = posixpath.join(home_of(user), ".ssh")
    paths = list(extra)
    if not only_extra:
        paths += [posixpath.join(ssh_dir, n) for n in DEFAULT_IDENTITIES]
    found = []
    for path in paths:
        private, public = read_or_empty(vfs, path), read_or_empty(vfs, path + ".pub")
        if private and public and ENCRYPTED not in private and key_id(public):
            found.append(public.strip())
    return found


def authorized(vfs: Vfs, user: str) -> set[tuple[str, str]]:
    text = read_or_empty(vfs, posixpath.join(home_of(user), ".ssh", "authorized_keys"))
    return {k for k in map(key_id, text.splitlines()) if k is not None}


def accepts(target: Vfs, user: str, offered: Iterable[str]) -> bool:
    allowed = authorized(target, user)
    return any(key_id(line) in allowed for line in offered)


def authorize(target: Vfs, user: str, public: str) -> None:
    """Append a key to the user's authorized_keys, as ``cat >> .ssh/authorized_keys`` would."""
    ssh_dir = posixpath.join(home_of(user), ".ssh")
    target.mkdir(ssh_dir)
    path = posixpath.join(ssh_dir, "authorized_keys")
    old = read_or_empty(target, path)
    sep = "\n" if old and not old.endswith("\n") else ""
    target.write(path, sep + public.strip() + "\n", append=True)


def give_key(vfs: Vfs, hostname: str) -> str:
    """A host's root key pair at the default place; its public line."""
    private, public = new_key("rsa", f"root@{hostname}")
    vfs.mkdir("/root/.ssh")
    vfs.write("/root/.ssh/id_rsa", private)
    vfs.write("/root/.ssh/id_rsa.pub", public)
    return public


def trust_each_other(machines: dict[str, Vfs]) -> None:
    """The seed's preparation for xl: every host has a key that every other host accepts."""
    publics = {name: give_key(vfs, name) for name, vfs in machines.items()}
    for name, vfs in machines.items():
        for other, public in publics.items():
            if other != name:
                authorize(vfs, "root", public)
