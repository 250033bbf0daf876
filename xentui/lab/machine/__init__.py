"""A simulated machine over SSH: the server, a bash subset over an in-memory file system,
coreutils, and the ssh, ssh-keygen and known_hosts a lab machine offers its users."""
