"""The real OpenSSH sshd of `tests.remote`, for the setup tests that write real files over it."""

from tests.remote.conftest import sshd, sshd_factory  # noqa: F401 - fixtures, used by name
