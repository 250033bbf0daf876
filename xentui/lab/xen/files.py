"""The config files a lab host starts with: the shipped xend-config.sxp, /etc/exports, the guest.

Fresh hosts get the text Xen shipped (``tools/examples/xend-config.sxp``; relocation off for
remote peers), ready hosts get the seed's edits, so every setup step has something real to fix.
"""

from __future__ import annotations

_HEAD = """# -*- sh -*-

#
# Xend configuration file.
#

# This example configuration is appropriate for an installation that\x20
# utilizes a bridged network configuration. Access to xend via http
# is disabled.\x20

# Commented out entries show the default for that entry, unless otherwise
# specified.

#(logfile {logfile})
#(loglevel DEBUG)
"""

# Added in 3.0.4 (the Xen-API preview); absent from 3.0.3 and before.
_XENAPI = """
# The Xen-API server configuration.  (Please note that this server is available
# as an UNSUPPORTED PREVIEW in Xen 3.0.4, and should not be relied upon).
#
# This value configures the ports, interfaces, and access controls for the
# Xen-API server.  Each entry in the list starts with either unix, a port
# number, or an address:port pair.  If this is "unix", then a UDP socket is
# opened, and this entry applies to that.  If it is a port, then Xend will
# listen on all interfaces on that TCP port, and if it is an address:port pair,
# then Xend will listen on the specified port, using the interface with the
# specified address.
#
# The subsequent string gives the access control for the listener in question.\x20
# If this is missing or empty, then all connections are accepted.
# Otherwise, this should be a space-separated sequence of regular expressions;
# any host with a fully-qualified domain name or an IP address that matches one
# of these regular expressions will be accepted.
#
# Example:
#
#  Listen on TCP port 9363 on all interfaces, accepting connections only from
#  machines in example.com or localhost.
#  (xen-api-server ((9363 '^localhost$ example\\\\.com$')))
#
# Default:
#   (xen-api-server ((unix)))
"""

_SERVERS = """
#(xend-http-server no)
#(xend-unix-server no)
#(xend-tcp-xmlrpc-server no)
#(xend-unix-xmlrpc-server yes)
#(xend-relocation-server no)
(xend-relocation-server yes)

#(xend-unix-path /var/lib/xend/xend-socket)

# Port xend should use for the HTTP interface, if xend-http-server is set.
#(xend-port            8000)

# Port xend should use for the relocation interface, if xend-relocation-server
# is set.
{port_line}

# Address xend should listen on for HTTP connections, if xend-http-server is
# set.
# Specifying 'localhost' prevents remote connections.
# Specifying the empty string '' (the default) allows all connections.
#(xend-address '')
#(xend-address localhost)

# Address xend should listen on for relocation-socket connections, if
# xend-relocation-server is set.
# Meaning and default as for xend-address above.
{address_line}
{hosts_allow}
"""

_HOSTS_ALLOW = """
# The hosts allowed to talk to the relocation port.  If this is empty (the
# default), then all connections are allowed (assuming that the connection
# arrives on a port and interface on which we are listening; see
# xend-relocation-port and xend-relocation-address above).  Otherwise, this
# should be a space-separated sequence of regular expressions.  Any host with
# a fully-qualified domain name or an IP address that matches one of these
# regular expressions will be accepted.
#
# For example:
#  (xend-relocation-hosts-allow '^localhost$ ^.*\\\\.example\\\\.org$')
#
#(xend-relocation-hosts-allow '')
{allow_line}
"""

_TAIL = """
# The limit (in kilobytes) on the size of the console buffer
#(console-limit 1024)

##
# To bridge network traffic, like this:
#
# dom0: fake eth0 -> vif0.0 -+
#                            |
#                          bridge -> real eth0 -> the network
#                            |
# domU: fake eth0 -> vifN.0 -+
#
# use
#
# (network-script network-bridge)
#
# Your default ethernet device is used as the outgoing interface, by default.\x20
# To use a different one (e.g. eth1) use
#
# (network-script 'network-bridge netdev=eth1')
#
# The bridge is named xenbr0, by default.  To rename the bridge, use
#
# (network-script 'network-bridge bridge=<name>')
#
(network-script network-bridge)

# The script used to control virtual interfaces.  This can be overridden on a
# per-vif basis when creating a domain or a configuring a new vif.  The
# vif-bridge script is designed for use with the network-bridge script, or
# similar configurations.
#
(vif-script vif-bridge)

# Dom0 will balloon out when needed to free memory for domU.
# dom0-min-mem is the lowest memory level (in MB) dom0 will get down to.
# If dom0-min-mem=0, dom0 will never balloon out.
(dom0-min-mem 196)

# In SMP system, dom0 will use dom0-cpus # of CPUS
# If dom0-cpus = 0, dom0 will take all cpus available
(dom0-cpus 0)

# Whether to enable core-dumps when domains crash.
#(enable-dump no)

# The tool used for initiating virtual TPM migration
#(external-migration-tool '')

# The interface for VNC servers to listen on. Defaults
# to 127.0.0.1  To restore old 'listen everywhere' behaviour
# set this to 0.0.0.0
#(vnc-listen '127.0.0.1')

# The default password for VNC console on HVM domain.
# Empty string is no authentication.
(vncpasswd '')
"""


def version_tuple(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split(".") if p.isdigit())


def shipped_xend_config(xm_version: str = "3.0.3", port: int = 8002) -> str:
    """The example config of that Xen version: relocation on, but for localhost only."""
    v = version_tuple(xm_version)
    port_line = "#(xend-relocation-port 8002)" if port == 8002 else f"(xend-relocation-port {port})"
    if v < (3, 0, 2):
        address_line, hosts_allow = "(xend-relocation-address localhost)", ""
    else:
        address_line = "#(xend-relocation-address '')"
        allow = (
            "(xend-relocation-hosts-allow '^localhost$')"
            if v < (3, 0, 3)
            else "(xend-relocation-hosts-allow '^localhost$ ^localhost\\\\.localdomain$')"
        )
        hosts_allow = _HOSTS_ALLOW.format(allow_line=allow)
    text = _HEAD.format(logfile="/var/log/xen/xend.log" if v >= (3, 0, 4) else "/var/log/xend.log")
    if v >= (3, 0, 4):
        text += _XENAPI
    text += _SERVERS.format(port_line=port_line, address_line=address_line, hosts_allow=hosts_allow)
    return text + _TAIL


def ready_xend_config(xm_version: str = "3.0.3", port: int = 8002) -> str:
    """The shipped config after the seed's step 4, edited in place: relocation open to all."""
    text = shipped_xend_config(xm_version, port)
    text = text.replace("#(xend-relocation-port 8002)", f"(xend-relocation-port {port})")
    text = text.replace("\n#(xend-relocation-address '')\n", "\n(xend-relocation-address '')\n")
    text = text.replace("(xend-relocation-address localhost)", "(xend-relocation-address '')")
    for shipped_allow in (
        "(xend-relocation-hosts-allow '^localhost$ ^localhost\\\\.localdomain$')",
        "(xend-relocation-hosts-allow '^localhost$')",
    ):
        text = text.replace(
            f"\n{shipped_allow}\n", f"\n(xend-relocation-hosts-allow '')\n#{shipped_allow}\n"
        )
    return text


READY_EXPORTS = "/xen *(rw,sync,no_root_squash)\n"

_GUEST_CONFIG = """name = "{name}"
uuid = "3c2b0b36-5d1e-4a6b-9f0e-7a2c41d9e8f1"
maxmem = {mem}
memory = {mem}
vcpus = 1
bootloader = "/usr/bin/pygrub"
on_poweroff = "destroy"
on_reboot = "restart"
on_crash = "restart"
{display}disk = [ "tap:aio:/xen/{name}.img,xvda,w" ]
vif = [ "mac=00:16:3e:5a:7c:01,bridge=xenbr0" ]
"""


def guest_config(name: str, mem_mib: int, *, ready: bool) -> str:
    """/etc/xen/<guest> as virt-install wrote it (fresh) or after the seed's step 3 (ready)."""
    display = "#vnc=1\n#vncunused=1\nsdl=1\n" if ready else "vnc=1\nvncunused=1\n"
    return _GUEST_CONFIG.format(name=name, mem=mem_mib, display=display)
