"""Running commands on hosts: over one long-lived SSH connection each, or locally on dom0."""
