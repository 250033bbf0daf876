"""The real VM lab (issue 12): a Debian kernel and busybox guest under QEMU, driven by libvirt.

The simulated lab stands in for Xen hosts; this sub-package runs a real guest with its own kernel
and TCP stack, so a live migration and the gap a viewer sees are real, not modelled. It is kept
apart from the flat lab modules because it needs root, Debian packages and QEMU, and refuses in
one line (``VmLabUnavailable``) when any of them is missing.
"""
