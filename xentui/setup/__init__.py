"""The seed's setup steps as data: why, what to run, an automatic check and a safe fix."""
