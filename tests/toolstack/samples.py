"""Verbatim list outputs from shared/reference/xen-facts.md (real captures and renders of the
real format strings), used as fixtures. Each is (text, expected rows as tuples)."""

from __future__ import annotations

# --- xm ---------------------------------------------------------------------------------------

XM_300_RENDER = """\
Name                              ID Mem(MiB) VCPUs State  Time(s)
Domain-0                           0      491     1 r-----  1204.3
virt_server                        3      128     1 -b----    37.2
"""

XM_300_CAPTURE = """\
Name                              ID Mem(MiB) VCPUs State  Time(s)
Domain-0                           0      463     1 r-----    42.3
"""

XM_300_SOURCE_PRECOPY = """\
Name                              ID Mem(MiB) VCPUs State  Time(s)
Domain-0                           0      491     1 r-----  1210.9
migrating-virt_server              3      128     1 -b----    38.0
"""

XM_300_TARGET_TRANSFER = """\
Name                              ID Mem(MiB) VCPUs State  Time(s)
Domain-0                           0      491     1 r-----   845.1
virt_server                        5      128     1 --p---     0.0
"""

XM_33_RENDER = """\
Name                                        ID   Mem VCPUs      State   Time(s)
Domain-0                                     0   491     1     r-----   1204.3
virt_server                                  3   128     1     -b----     37.2
"""

XM_4X_CAPTURE = """\
Name                                        ID   Mem VCPUs      State   Time(s)
Domain-0                                     0  1852     8     r----- 348510.6
vm16                                       121  2048     8     -b----   2552.8
"""

# --- xl ---------------------------------------------------------------------------------------

XL_DOC = """\
Name                                        ID   Mem VCPUs      State   Time(s)
Domain-0                                     0   750     4     r-----   11794.3
"""

XL_49_CAPTURE = (
    "Name                                        ID   Mem VCPUs\tState\tTime(s)\n"
    "Domain-0                                     0 13036     8     r-----     398.7\n"
    "guest-01                                     1  1024     2     -b----       6.0\n"
)

XL_PAUSED_ROW = "guest1                                      28  1024     1     --p---      28.0"

XL_SOURCE_DURING = "virt_server--migratedaway                    3   128     1     ---ss-      38.0"
XL_TARGET_DURING = "virt_server--incoming                        5   128     1     --p---       0.0"

XL_HEADER = "Name                                        ID   Mem VCPUs\tState\tTime(s)"

# --- virsh ------------------------------------------------------------------------------------

VIRSH_MIDDLE = """\
 Id    Name                           State
----------------------------------------------------
 1     test                           running
"""

VIRSH_900 = """\
 Id   Name   State
----------------------
 1    test   running

"""

VIRSH_900_TWO = """\
 Id   Name          State
-----------------------------
 1    test          running
 2    virt_server   paused
"""

VIRSH_900_SHUTOFF_ROW = " -    test   shut off"
