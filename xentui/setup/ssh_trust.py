"""Seed step 4 for xl: the source host's root key, and each target letting that key in.

``xl migrate`` runs ``ssh TARGET xl migrate-receive`` as root, so a prompt stops it. The fix is
what ssh-copy-id does on the target's side (append the key to root's ``authorized_keys``), done
over xentui's own connection to the target, so no password is typed: an exact, backed-up edit
that is skipped when the key is already there. A host key nobody has compared yet stays with
the presenter: trusting it is a judgment call.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import itertools

from xentui.config import HostConfig
from xentui.setup.context import Context
from xentui.setup.results import Command, FileEdit, Finding, FixPlan, Status

SSH_DIR = "/root/.ssh"
AUTHORIZED = f"{SSH_DIR}/authorized_keys"
# the default identities ssh tries, in its order
IDENTITIES = ("id_rsa", "id_ecdsa", "id_ed25519", "id_dsa")
NEW_KEY = f"{SSH_DIR}/id_rsa"
P, F, U = Status.PASSED, Status.FAILED, Status.UNKNOWN

NO_PUB = "no-pub"
UNKNOWN_HOST_KEY = "unknown-host-key"


def key_id(line: str) -> tuple[str, str] | None:
    """(type, base64) of a public-key line, past any authorized_keys options before it."""
    words = line.split()
    for kind, blob in itertools.pairwise(words):
        if kind.startswith(("ssh-", "ecdsa-")) and blob.startswith("AAAA"):
            return kind, blob
    return None


def fingerprint(blob: str) -> str:
    """``SHA256:...`` as ``ssh-keygen -l`` prints it."""
    try:
        raw = base64.b64decode(blob, validate=True)
    except (binascii.Error, ValueError):
        return "(not base64)"
    return "SHA256:" + base64.b64encode(hashlib.sha256(raw).digest()).decode().rstrip("=")


async def source_key(ctx: Context) -> tuple[Finding, str | None]:
    """The finding on the first host's root key, and its public line when it has one."""
    host = ctx.first.name
    listing = await ctx.run(host, ["ls", SSH_DIR])
    if not listing.ok:
        if "No such file" in listing.output:
            return Finding(host, F, f"root has no SSH key ({SSH_DIR} does not exist)"), None
        return Finding(host, U, f"could not look into {SSH_DIR}", listing.output), None
    names = set(listing.stdout.split())
    for name in IDENTITIES:
        if name in names and f"{name}.pub" in names:
            path = f"{SSH_DIR}/{name}.pub"
            line = (await ctx.read_file(host, path) or "").strip()
            if (ident := key_id(line)) is None:
                return Finding(host, U, f"{path} is not a public key", line[:200]), None
            return Finding(host, P, f"root's key {path}: {fingerprint(ident[1])}"), line
    lone = [n for n in IDENTITIES if n in names]
    if lone:
        private = f"{SSH_DIR}/{lone[0]}"
        why = f"{private} has no .pub beside it"
        found = " ".join(sorted(names))
        return Finding(host, F, why, found, kind=NO_PUB, subject=private), None
    shown = " ".join(sorted(names - {".", ".."})) or "(empty)"
    return Finding(host, F, f"root has no SSH key in {SSH_DIR}", shown), None


async def check_key(ctx: Context) -> list[Finding]:
    return [(await source_key(ctx))[0]]


async def plan_key(ctx: Context) -> FixPlan:
    finding, line = await source_key(ctx)
    host = ctx.first.name
    if line is not None:
        return FixPlan("ssh-key")
    if finding.kind == NO_PUB:
        private = finding.subject
        return FixPlan(
            "ssh-key",
            instructions=f"On {host}: {finding.reason}. Write it back with "
            f"`ssh-keygen -y -f {private} > {private}.pub` (it may ask the key's passphrase).",
        )
    if finding.status is not F:
        return FixPlan("ssh-key", instructions=f"{host}: {finding.reason}: look by hand.")
    commands = (
        Command(host, ("mkdir", "-p", "--mode=700", SSH_DIR)),
        # no passphrase: xl migrate runs ssh with nobody at a prompt
        Command(host, ("ssh-keygen", "-q", "-t", "rsa", "-N", "", "-f", NEW_KEY)),
    )
    return FixPlan("ssh-key", commands=commands)


def ssh_argv(target: HostConfig) -> list[str]:
    """An ssh that fails instead of prompting: what ``xl migrate`` needs from host to host."""
    return ["ssh", "-o", "BatchMode=yes", "-o", "ConnectTimeout=5", target.migration_target, "true"]


async def _ssh(ctx: Context, source: HostConfig, target: HostConfig) -> Finding:
    where, name = f"{source.name} → {target.name}", target.migration_target
    result = await ctx.run(source.name, ssh_argv(target), timeout=15)
    if result.ok:
        return Finding(where, P, f"ssh {name} works without a password")
    if result.exit_status == 127:
        return Finding(where, U, f"cannot test: {result.output or 'ssh is not installed'}")
    if "Host key verification failed" in result.output:
        why = f"{source.name} does not know {name}'s host key yet"
        return Finding(where, F, why, result.output, kind=UNKNOWN_HOST_KEY)
    return Finding(where, F, f"ssh {name} needs a password or fails", result.output)


async def _check_ssh(ctx: Context) -> list[tuple[HostConfig, Finding]]:
    found = await asyncio.gather(*(_ssh(ctx, ctx.first, t) for t in ctx.others))
    return list(zip(ctx.others, found, strict=True))


async def check_ssh(ctx: Context) -> list[Finding]:
    if alone := ctx.alone():
        return alone
    return [finding for _, finding in await _check_ssh(ctx)]


def _by_hand(source: str, target: HostConfig, finding: Finding) -> str:
    name = target.migration_target
    if finding.kind == UNKNOWN_HOST_KEY:
        return (
            f"{target.name}: on {source}, run `ssh root@{name} true` once, compare the "
            f"fingerprint it shows with `ssh-keygen -lf /etc/ssh/ssh_host_rsa_key.pub` on "
            f"{target.name}, and answer yes only if they match"
        )
    return f"{target.name}: {finding.reason}: {finding.found.strip() or 'no output'}"


async def plan_ssh(ctx: Context) -> FixPlan:
    _, public = await source_key(ctx)
    source = ctx.first.name
    if public is None:
        return FixPlan(
            "relocation", instructions=f"{source} has no root key yet: fix the step before."
        )
    ident = key_id(public)
    prepare: list[Command] = []
    edits: list[FileEdit] = []
    notes: list[str] = []
    for target, finding in await _check_ssh(ctx):
        if finding.status is not F:
            continue
        if "Permission denied" not in finding.found:
            notes.append(_by_hand(source, target, finding))
            continue
        old = await ctx.read_file(target.name, AUTHORIZED)
        if ident in {key_id(line) for line in (old or "").splitlines()}:
            notes.append(
                f"{target.name}: {AUTHORIZED} holds {source}'s key already, yet ssh is refused: "
                "look at PermitRootLogin and the modes of /root/.ssh in its sshd"
            )
            continue
        if old is None:
            prepare.append(Command(target.name, ("mkdir", "-p", "--mode=700", SSH_DIR)))
        text = old or ""
        new = text + ("\n" if text and not text.endswith("\n") else "") + public + "\n"
        edits.append(FileEdit(target.name, AUTHORIZED, text, new, exists=old is not None))
    if not edits:
        return FixPlan("relocation", instructions="\n".join(notes) or "nothing to do")
    return FixPlan("relocation", edits=tuple(edits), prepare=tuple(prepare), notes=tuple(notes))
