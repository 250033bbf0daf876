"""`xm create` / `xl create` of the guest: reads /etc/xen/<guest> and boots it on this host.

The lab has one guest with one disk on the shared /xen: it boots only where /xen is reachable
and only where it is not already running, so the lab never holds two copies.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from xentui.lab.machine.shell import Out
from xentui.lab.machine.vfs import VfsError

if TYPE_CHECKING:
    from xentui.lab.lab import Lab
    from xentui.lab.xen.host import SimHost

_NAME = re.compile(r"^\s*name\s*=\s*[\"']([^\"']+)[\"']", re.MULTILINE)
_MEMORY = re.compile(r"^\s*memory\s*=\s*[\"']?(\d+)", re.MULTILINE)
_DISK = re.compile(r"(?:file|aio|phy):([^,\"']+)")

CONSOLE = """Linux version 2.6.18-8.el5xen (brewbuilder@hs20-bc1-7.build.redhat.com)
Xen reported: 2992.500 MHz processor.
Freeing unused kernel memory: 176k freed
Red Hat Enterprise Linux Server release 5 (Tikanga)
Kernel 2.6.18-8.el5xen on an i686

{name} login: """


async def create_guest(lab: Lab, host: SimHost, path: str, *, console: bool, tool: str) -> Out:
    full = path if path.startswith("/") or host.vfs.exists(path) else f"/etc/xen/{path}"
    err = (
        (lambda s: Out(stderr=f"Error: {s}\n", rc=1))
        if tool == "xm"
        else (lambda s: Out(stderr=f"{s}\n", rc=1))
    )
    try:
        text = host.vfs.read_text(full)
    except VfsError:
        if tool == "xl":
            return Out(
                stderr=f"Failed to read config file: {path}: No such file or directory\n", rc=1
            )
        return err(f'Cannot open config file "{path}"')
    m = _NAME.search(text)
    name = m.group(1) if m else path.rsplit("/", 1)[-1]
    memory = _MEMORY.search(text)
    mem = int(memory.group(1)) if memory else 128
    disk = _DISK.search(text)
    disk_path = disk.group(1) if disk else f"/xen/{name}.img"
    head = f'Using config file "{full}".\n' if tool == "xm" else ""
    xl_head = f"Parsing config from {full}\n" if tool == "xl" else ""
    existing = host.find(name)
    if existing is not None:
        if tool == "xl":
            return Out(
                stderr=xl_head + f"libxl: error: libxl_create.c:560:libxl__domain_make: "
                f'Domain {existing.domid}:Domain with name "{name}" already exists.\n'
                "libxl: error: libxl_create.c:972:initiate_domain_create: cannot make "
                "domain: -6\n",
                rc=1,
            )
        return Out(
            stdout=head,
            stderr=f"Error: Domain '{name}' already exists with ID '{existing.domid}'\n",
            rc=1,
        )
    if name != lab.options.guest_name:
        return err(f"Kernel image does not exist: /xen/{name}-vmlinuz")
    if not host.shared_storage_ok() or not disk_path.startswith("/xen/"):
        return Out(
            stdout=head,
            stderr=xl_head + f"Error: Device 51712 (tap) could not be "
            f"connected. File {disk_path} does not exist.\n",
            rc=1,
        )
    if lab.guest.running or lab.guest.migrating:
        return Out(
            stdout=head,
            stderr=xl_head + f"Error: Device 51712 (tap) could not be "
            f"connected. File {disk_path} is in use by a running domain.\n",
            rc=1,
        )
    dom = host.new_domain(name, mem, paused=False)
    lab.guest.place(host, dom)
    out = Out(stderr=xl_head) if tool == "xl" else Out(stdout=head + f"Started domain {name}\n")
    if console:
        out.stdout += CONSOLE.format(name=name) + "\n"
    return out
