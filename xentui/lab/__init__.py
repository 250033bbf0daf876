"""The embedded lab: simulated Xen hosts over real SSH, real TCP migrations, a streaming guest."""

from xentui.lab.lab import Lab, LabOptions
from xentui.lab.xen.truth import GroundTruth, MigrationTruth

__all__ = ["GroundTruth", "Lab", "LabOptions", "MigrationTruth"]
