"""The simulated Xen toolstack on a lab host: its domains and files, xm and xl with their
service scripts, and live migration over real TCP (pre-copy, relocation, the ground truth)."""
