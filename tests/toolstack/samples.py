"""List outputs used as fixtures: real captures, and renders of the tools' real format strings.

Where each comes from (docs/formats.md cites the format strings per Xen version):
- ``*_RENDER``, ``XM_300_SOURCE_PRECOPY``, ``XM_300_TARGET_TRANSFER``: ``xm_brief_list`` in
  ``tools/python/xen/xm/main.py`` (github.com/xen-project/xen, RELEASE-3.0.0, and
  3.3.0-branched for ``XM_33_RENDER``); the names during a migration from
  ``XendCheckpoint.save`` (``migrating-NAME`` on the source, the new domain paused on the
  target). The state letters there are inferred.
- ``XM_300_CAPTURE``: a real Xen 3.0-era capture found in a public code index whose repository
  was not named; it matches the 3.0.0 format string to the column.
- ``XM_4X_CAPTURE``: github.com/nThanksForAllTheFish/gloudsim, ``ConfirugrationSnapshot.md``.
- ``XL_DOC``: the example in ``docs/man/xl.1.pod.in`` (xen-project/xen).
- ``XL_49_CAPTURE``: github.com/erred/uva-sne, ``ls-lab2.md`` (Xen 4.9; the header's TABs as
  ``tools/xl/xl_info.c`` prints them). ``XL_PAUSED_ROW``: a lab log's ``xl list`` row.
- ``XL_*_DURING``: renders of ``list_domains``'s row format with the names of
  ``tools/xl/xl_migrate.c`` (``%s--migratedaway``) and ``xl_vmcontrol.c`` (``%s--incoming``).
- ``VIRSH_MIDDLE``: libvirt's middle-era ``tools/virsh*.c`` format; ``VIRSH_900*``: captured from
  virsh 9.0.0 against libvirt's test driver (``virsh -c test:///default list --all``).
"""
# ruff: noqa: UP031  (rows are built with the tools' own % format strings)

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

# --- issue 11.5: what real hosts print beside the plain table (docs/formats.md) ---------------

XM_33_HEADER = "%-40s %5s %5s %5s %10s %9s" % ("Name", "ID", "Mem", "VCPUs", "State", "Time(s)")

_XM_33_ROW = "%(name)-40s %(domid)5s %(mem)5d %(vcpus)5d %(state)10s %(cpu_time)8.1f"
_XM_33_LABEL_ROW = _XM_33_ROW + " %(seclabel)10s"


def _xm(
    fmt: str, name: str, domid: object, mem: int, state: str, cpu: float, label: str = ""
) -> str:
    values = dict(name=name, domid=domid, mem=mem, vcpus=1, state=state, cpu_time=cpu)
    return fmt % dict(values, seclabel=label) + "\n"


XM_33_JUST_CREATED = (
    # xm 3.3-4.4 xm_brief_list: "%(name)-40s %(domid)5s %(mem)5d %(vcpus)5d %(state)10s
    # %(cpu_time)8.1f", state from get_info('state', str, ''): blank for a domain in transition
    f"{XM_33_HEADER}\n"
    + _xm(_XM_33_ROW, "Domain-0", 0, 1024, "r-----", 123.4)
    + _xm(_XM_33_ROW, "virt_server", 7, 128, "", 0.0)
)

XM_33_LABEL = (
    # xm list --label, 3.3-4.4 xm_label_list: header '%-40s %5s %5s %5s %10s %9s %-10s' (the
    # Label title padded by %-10s), rows '... %(cpu_time)8.1f %(seclabel)10s'
    "%-40s %5s %5s %5s %10s %9s %-10s\n"
    % ("Name", "ID", "Mem", "VCPUs", "State", "Time(s)", "Label")
    + _xm(_XM_33_LABEL_ROW, "Domain-0", 0, 1024, "r-----", 123.4, "ACM:example:SystemManagement")
    + _xm(_XM_33_LABEL_ROW, "virt_server", 7, 128, "-b----", 37.2, "ACM:example:dom_HomeBanking")
    + _xm(_XM_33_LABEL_ROW, "spare", "", 256, "", 0.0, "ACM:example:dom_Fun")
)

XM_303_LABEL = (
    # xm list --label, 3.0.3 xm_label_list: '%-32s %3s %8s %5s %5s %9s %-8s' over rows
    # '%(name)-32s %(domid)3d %(mem)8d %(vcpus)5d %(state)5s %(cpu_time)8.1f %(seclabel)9s'
    "%-32s %3s %8s %5s %5s %9s %-8s\n"
    % ("Name", "ID", "Mem(MiB)", "VCPUs", "State", "Time(s)", "Label")
    + "%-32s %3d %8d %5d %5s %8.1f %9s\n" % ("Domain-0", 0, 491, 1, "r-----", 1204.3, "INACTIVE")
    + "%-32s %3d %8d %5d %5s %8.1f %9s\n" % ("virt_server", 3, 128, 1, "-b----", 37.2, "INACTIVE")
)

XL_VERBOSE = (
    # xl list -v, 4.2 to today (tools/xl/xl_info.c list_domains): after Time(s)
    # " " LIBXL_UUID_FMT, " %8x" of the shutdown reason or " %8s" of "-", " %16s" ssid label
    "Name                                        ID   Mem VCPUs\tState\tTime(s)"
    "   UUID                            Reason-Code\tSecurity Label\n"
    "Domain-0                                     0 13036     8     r-----     398.7"
    " 00000000-0000-0000-0000-000000000000        -                -\n"
    "guest-01                                     1  1024     2     ---sr-       6.0"
    " 5f0c7c5e-2a3b-4f0e-9a7d-3c1b2d4e5f60        1                -\n"
)
