"""A test that needs a tool or a privilege this machine lacks: a skip here, a failure in CI.

The project's rule: a skip may only say what a developer's machine lacks; with ``CI`` set the
same test must run, so a missing part there is a failure naming it, never a quiet skip.
"""

from __future__ import annotations

import os
from typing import NoReturn

import pytest


def missing(why: str) -> NoReturn:
    """Skip naming ``why``, or fail naming it when the env var CI is set."""
    if os.environ.get("CI"):
        pytest.fail(f"CI must run this test: {why}")
    pytest.skip(why)
