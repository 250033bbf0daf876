"""xentui: run a live Xen VM-migration demo from a terminal, and measure what the viewer saw."""

__version__ = "0.1.0"
