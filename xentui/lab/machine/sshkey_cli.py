"""``ssh-keygen`` and ``ssh-copy-id`` on lab hosts: the by-hand fix for xl's SSH step works.

The real ssh-copy-id asks for the target's password; the lab has no one to type it, so it
installs the key and prints the real tool's lines.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from xentui.lab.machine import known_hosts, sshkeys
from xentui.lab.machine.shell import Handler, Machine, Out, Stdin
from xentui.lab.machine.ssh_cli import DENIED_PASSWORD, Call, endpoint_of, machine_at, ssh
from xentui.lab.machine.vfs import VfsError

if TYPE_CHECKING:
    from xentui.lab.lab import Lab

COPY_ID = "/usr/bin/ssh-copy-id"
COPY_ID_USAGE = (
    f"Usage: {COPY_ID} [-h|-?|-f|-n|-s] [-i [identity_file]] [-p port] "
    "[-F alternative ssh_config file] [[-o <ssh -o options>] ...] [user@]hostname\n"
)


def _opts(argv: list[str], with_arg: str) -> tuple[dict[str, str], list[str]] | str:
    opts: dict[str, str] = {}
    rest: list[str] = []
    i = 1
    while i < len(argv):
        a = argv[i]
        if a.startswith("-") and len(a) == 2:
            if a[1] in with_arg:
                if i + 1 >= len(argv):
                    return a[1]
                opts[a[1]] = argv[i + 1]
                i += 1
            else:
                opts[a[1]] = ""
        elif a.startswith("-") and len(a) > 2 and a[1] in with_arg:
            opts[a[1]] = a[2:]
        else:
            rest.append(a)
        i += 1
    return opts, rest


async def ssh_keygen(m: Machine, argv: list[str], stdin: Stdin) -> Out:
    parsed = _opts(argv, "tbNfCm")
    if isinstance(parsed, str):
        return Out(stderr=f"option requires an argument -- {parsed}\n", rc=1)
    opts, _ = parsed
    kind = opts.get("t", "rsa").lower()
    if kind not in sshkeys.KEY_TYPES:
        return Out(stderr=f"unknown key type {kind}\n", rc=1)
    answers: list[str] = []
    asked = False

    async def ask(default: str = "") -> str:
        """The next line a person would type (read only when asked: stdin may stay unread)."""
        nonlocal asked
        if not asked:
            answers.extend(reversed((await stdin()).splitlines()))
            asked = True
        return answers.pop() if answers else default

    quiet = "q" in opts
    out = Out(stdout="" if quiet else f"Generating public/private {kind} key pair.\n")
    default = f"/root/.ssh/id_{kind}"
    path = opts.get("f")
    if path is None:
        out.stdout += f"Enter file in which to save the key ({default}): "
        path = await ask() or default
    path = m.vfs.norm(path)
    if path.startswith("/root/.ssh/") and not m.vfs.is_dir("/root/.ssh"):
        m.vfs.mkdir("/root/.ssh")
        out.stdout += "Created directory '/root/.ssh'.\n"
    if m.vfs.exists(path):
        out.stdout += f"{path} already exists.\nOverwrite (y/n)? "
        if not (await ask("n")).lower().startswith("y"):
            return Out(stdout=out.stdout + "\n", rc=1)
    passphrase = opts.get("N")
    if passphrase is None:
        passphrase = await ask()
        again = await ask()
        out.stdout += "Enter passphrase (empty for no passphrase): \n"
        out.stdout += "Enter same passphrase again: \n"
        if again != passphrase:
            return Out(stdout=out.stdout + "Passphrases do not match.  Try again.\n", rc=1)
    comment = opts.get("C", f"root@{m.hostname}")
    private, public = sshkeys.new_key(kind, comment, passphrase)
    try:
        m.vfs.write(path, private)
        m.vfs.write(path + ".pub", public)
    except VfsError as e:
        return Out(stdout=out.stdout, stderr=f'Saving key "{path}" failed: {e.reason}\n', rc=1)
    if quiet:
        return Out()
    out.stdout += (
        f"Your identification has been saved in {path}.\n"
        f"Your public key has been saved in {path}.pub.\n"
        f"The key fingerprint is:\n{sshkeys.fingerprint(public)} {comment}\n"
    )
    return out


def _newest_public(m: Machine) -> str | None:
    for name in sshkeys.DEFAULT_IDENTITIES:
        if m.vfs.exists(f"/root/.ssh/{name}.pub"):
            return f"/root/.ssh/{name}.pub"
    return None


async def ssh_copy_id(m: Machine, argv: list[str], stdin: Stdin) -> Out:
    lab: Lab = m.state
    parsed = _opts(argv, "ipoF")
    if isinstance(parsed, str) or len(parsed[1]) != 1:
        return Out(stderr=COPY_ID_USAGE, rc=1)
    opts, [where] = parsed
    pub = opts.get("i") or _newest_public(m)
    if pub is not None and not pub.endswith(".pub"):
        pub += ".pub"
    public = sshkeys.read_or_empty(m.vfs, pub) if pub else ""
    if not sshkeys.key_id(public):
        return Out(stderr=f"{COPY_ID}: ERROR: No identities found\n", rc=1)
    user, _, host = where.rpartition("@")
    call = Call(host=host, user=user or "root", port=int(opts.get("p", "22") or 22))
    err = f'{COPY_ID}: INFO: Source of key(s) to be installed: "{pub}"\n'
    target = machine_at(lab, m, call.host, call.port)
    if isinstance(target, Out):
        return Out(stderr=err + f"{COPY_ID}: ERROR: {target.stderr}", rc=1)
    host_key = endpoint_of(lab, target).host_key.export_public_key("openssh").decode()
    checked = known_hosts.check(lab, m, call, target, host_key)
    if checked is not None and checked.rc != 0:
        return Out(stderr=err + f"{COPY_ID}: ERROR: {checked.stderr}", rc=1)
    err += (
        f"{COPY_ID}: INFO: attempting to log in with the new key(s), to filter out any that "
        "are already installed\n"
    )
    if sshkeys.accepts(target.vfs, call.user, [public]) and "f" not in opts:
        return Out(
            stderr=err + f"\n{COPY_ID}: WARNING: All keys were skipped because they already "
            "exist on the remote system.\n\t\t(if you think this is a mistake, you may want "
            "to use -f option)\n\n"
        )
    err += (
        f"{COPY_ID}: INFO: 1 key(s) remain to be installed -- if you are prompted now it is "
        "to install the new keys\n"
    )
    if not target.vfs.is_dir(sshkeys.home_of(call.user)):
        return Out(stderr=err + DENIED_PASSWORD, rc=1)  # no such user: no password works
    sshkeys.authorize(target.vfs, call.user, public)
    return Out(
        stdout=f"\nNumber of key(s) added: 1\n\nNow try logging into the machine, with:   "
        f"\"ssh '{where}'\"\nand check to make sure that only the key(s) you wanted were "
        "added.\n\n",
        stderr=err,
    )


COMMANDS: dict[str, Handler] = {"ssh": ssh, "ssh-keygen": ssh_keygen, "ssh-copy-id": ssh_copy_id}
