"""OpenSSH's ``ssh`` between lab machines: xl migrates over it and the setup checklist tests it.

No socket is opened: the target is found in the lab's own state (its name, whether its sshd is
up, root's authorized_keys) and the command runs on the target's shell, with OpenSSH's texts
and exit status 255 when the connection or the login fails.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from xentui.lab.machine import known_hosts, sshkeys
from xentui.lab.machine.shell import Machine, Out, Stdin, run_line

if TYPE_CHECKING:
    from xentui.lab.lab import Lab
    from xentui.lab.machine.sshserver import SshEndpoint

FAILED = 255
DENIED = "Permission denied (publickey,gssapi-keyex,gssapi-with-mic,password).\n"
# With no tty to read a password from, ssh sends empty ones: two retries, then the final line.
DENIED_PASSWORD = "Permission denied, please try again.\n" * 2 + DENIED
USAGE = """usage: ssh [-1246AaCfGgKkMNnqsTtVvXxYy] [-b bind_address] [-c cipher_spec]
           [-D [bind_address:]port] [-E log_file] [-e escape_char]
           [-F configfile] [-I pkcs11] [-i identity_file]
           [-J [user@]host[:port]] [-L address] [-l login_name] [-m mac_spec]
           [-O ctl_cmd] [-o option] [-p port] [-Q query_option] [-R address]
           [-S ctl_path] [-W host:port] [-w local_tun[:remote_tun]]
           [user@]hostname [command]
"""
NO_ARG, WITH_ARG = "1246AaCfGgKkMNnqsTtVvXxYy", "BbcDEeFIiJLlmOoPpQRSWw"
KNOWN_OPTIONS = {
    "addressfamily", "batchmode", "checkhostip", "compression", "connectionattempts",
    "connecttimeout", "controlmaster", "controlpath", "controlpersist", "forwardagent",
    "forwardx11", "globalknownhostsfile", "gssapiauthentication", "hostname",
    "identitiesonly", "identityfile", "kbdinteractiveauthentication", "loglevel",
    "numberofpasswordprompts", "passwordauthentication", "port", "preferredauthentications",
    "pubkeyauthentication", "requesttty", "sendenv", "serveralivecountmax",
    "serveraliveinterval", "setenv", "stricthostkeychecking", "tcpkeepalive", "user",
    "userknownhostsfile",
}  # fmt: skip


@dataclass
class Call:
    """One ssh invocation, parsed."""

    host: str = ""
    user: str = "root"
    port: int = 22
    options: dict[str, str] = field(default_factory=dict)
    identity_files: list[str] = field(default_factory=list)
    command: list[str] = field(default_factory=list)

    @property
    def batch(self) -> bool:
        no_password = self.options.get("passwordauthentication", "yes").lower() == "no"
        return self.options.get("batchmode", "no").lower() == "yes" or no_password


def parse(argv: list[str]) -> Call | Out:
    """ssh's getopt: options, then [user@]host, then the command words."""
    call, i = Call(), 1
    while i < len(argv) and argv[i].startswith("-") and len(argv[i]) > 1:
        word = argv[i]
        if word == "--":
            i += 1
            break
        for j, ch in enumerate(word[1:], start=2):
            if ch in NO_ARG:
                continue
            if ch not in WITH_ARG:
                return Out(stderr=f"ssh: illegal option -- {ch}\n{USAGE}", rc=FAILED)
            value = word[j:]
            if not value:
                i += 1
                if i >= len(argv):
                    return Out(stderr=f"ssh: option requires an argument -- {ch}\n{USAGE}", rc=255)
                value = argv[i]
            bad = _apply(call, ch, value)
            if bad is not None:
                return bad
            break
        i += 1
    if i >= len(argv):
        return Out(stderr=USAGE, rc=FAILED)
    target = argv[i]
    if "@" in target:
        call.user, target = target.rsplit("@", 1)
    call.host, call.command = target, argv[i + 1 :]
    return call


def _apply(call: Call, ch: str, value: str) -> Out | None:
    if ch == "p" or (ch == "o" and value.lower().replace(" ", "=").startswith("port=")):
        port = value.split("=", 1)[-1].strip() if ch == "o" else value
        if not port.isdigit() or not 0 < int(port) < 65536:
            return Out(stderr=f"Bad port '{port}'\n", rc=FAILED)
        call.port = int(port)
    elif ch == "l":
        call.user = value
    elif ch == "i":
        call.identity_files.append(value)
    elif ch == "o":
        key, _, val = value.replace("=", " ", 1).partition(" ")
        if key.lower() not in KNOWN_OPTIONS:
            return Out(stderr=f"command-line: line 0: Bad configuration option: {key}\n", rc=255)
        call.options[key.lower()] = val.strip()
        if key.lower() == "user":
            call.user = val.strip()
        elif key.lower() == "identityfile":
            call.identity_files.append(val.strip())
    return None


def machine_at(lab: Lab, source: Machine, name: str, port: int) -> Machine | Out:
    """The machine whose sshd answers at name:port, or ssh's connection error."""
    asker = lab.hosts.get(source.hostname)
    ip = lab.resolve(name, asker)
    if ip is None:
        return Out(
            stderr=f"ssh: Could not resolve hostname {name}: Name or service not known\n",
            rc=FAILED,
        )
    host = lab.host_by_ip(ip)
    if host is not None:
        endpoint = lab.endpoints[host.name]
        if endpoint.running and port == 22:
            return endpoint.machine
    elif ip == lab.guest.ip:
        if not lab.guest.running:
            why = "No route to host"
            return Out(stderr=f"ssh: connect to host {name} port {port}: {why}\n", rc=FAILED)
        if lab.guest_endpoint.running and port == 22:
            return lab.guest_endpoint.machine
    why = "Connection refused"
    return Out(stderr=f"ssh: connect to host {name} port {port}: {why}\n", rc=FAILED)


def endpoint_of(lab: Lab, machine: Machine) -> SshEndpoint:
    endpoints = [*lab.endpoints.values(), lab.guest_endpoint]
    return next(ep for ep in endpoints if ep.machine is machine)


def login(lab: Lab, source: Machine, call: Call) -> tuple[Machine, str] | Out:
    """Connect, check the host key, authenticate as ssh would with root's keys (or ``-i``).

    The target and ssh's warnings on success (a key just added to known_hosts), else ssh's
    refusal; no password is ever typed.
    """
    target = machine_at(lab, source, call.host, call.port)
    if isinstance(target, Out):
        return target
    host_key = endpoint_of(lab, target).host_key.export_public_key("openssh").decode()
    checked = known_hosts.check(lab, source, call, target, host_key)
    if checked is not None and checked.rc != 0:
        return checked
    warned = checked.stderr if checked is not None else ""
    only = call.options.get("identitiesonly", "no").lower() == "yes"
    offered = sshkeys.identities(source.vfs, "root", call.identity_files, only)
    if sshkeys.accepts(target.vfs, call.user, offered):
        return target, warned
    return Out(stderr=warned + (DENIED if call.batch else DENIED_PASSWORD), rc=FAILED)


async def ssh(m: Machine, argv: list[str], stdin: Stdin) -> Out:
    lab: Lab = m.state
    call = parse(argv)
    if isinstance(call, Out):
        return call
    missing = "".join(
        f"Warning: Identity file {p} not accessible: No such file or directory.\n"
        for p in call.identity_files
        if not m.vfs.exists(p)
    )
    logged_in = login(lab, m, call)
    if isinstance(logged_in, Out):
        return Out(stderr=missing + logged_in.stderr, rc=logged_in.rc)
    target, warned = logged_in
    missing += warned
    if target is lab.guest_endpoint.machine:
        await lab.guest.can_run.wait()  # a paused guest's sshd answers once it runs again
    if call.command:
        out = await run_line(target, " ".join(call.command), stdin)
        return Out(out.stdout, missing + out.stderr, out.rc)
    # no command and no tty: the remote shell reads its commands from stdin
    total = Out(stderr=missing + "Pseudo-terminal will not be allocated because stdin is not a "
                "terminal.\n")  # fmt: skip
    for line in (await stdin()).splitlines():
        total = total.add(await run_line(target, line, _no_stdin))
    return total


async def _no_stdin() -> str:
    return ""
