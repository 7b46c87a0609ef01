"""Shared fixtures: real servers on 127.0.0.1, real SQLite files."""

pytest_plugins = ["tests.fixtures.site", "tests.fixtures.inbox"]
