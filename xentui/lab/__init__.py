"""The embedded lab: simulated Xen hosts over real SSH, real TCP migrations, a streaming guest."""
