"""Suite-wide settings: in CI, a skipped test is a failure (every test there is meant to run)."""

from __future__ import annotations

import os

import pytest


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if os.environ.get("CI") == "true" and skipped and exitstatus == 0:
        reporter.write_line(f"CI: {skipped} test(s) skipped; every test is meant to run here.")
        session.exitstatus = 1


@pytest.fixture(scope="session")
def catalogue():  # type: ignore[no-untyped-def]
    """The fixture catalogue, read and validated once per test session."""
    from features.catalogue import load_catalogue_files

    return load_catalogue_files()
