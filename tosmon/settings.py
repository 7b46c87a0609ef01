"""Every tunable of tosmon in one table.

The table is the default, the documentation and the list of valid names at
once. Nothing else in tosmon reads the environment: `load()` does, once.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, make_dataclass
from typing import Any, Mapping


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str
    env: str | None = None


SETTINGS: tuple[Setting, ...] = (
    Setting("db", "storage/tosmon.db", "SQLite database file", env="TOSMON_DB"),
    Setting("watchlist", "watchlist.yaml", "services, documents and subscriptions", env="TOSMON_WATCHLIST"),
    Setting("concurrency", 16, "documents checked at once", env="TOSMON_CONCURRENCY"),
    Setting("per_host", 1, "requests at once to one host"),
    Setting("timeout", 30.0, "seconds before a fetch gives up", env="TOSMON_TIMEOUT"),
    Setting("retries", 2, "extra attempts after a transient fetch error"),
    Setting("user_agent", "tosmon/0.1 (terms-of-service monitor)",
            "User-Agent header sent with every request", env="TOSMON_USER_AGENT"),
    Setting("browser_path", "/usr/bin/chromium", "Chromium executable for browser: true",
            env="TOSMON_BROWSER"),
    Setting("browser_fallback", True, "render with Chromium when a plain fetch looks bot-blocked"),
    Setting("min_ratio", 0.25, "a new text shorter than this fraction of the last version has collapsed: a failed check"),
    Setting("min_chars", 200, "an extraction shorter than this is not terms"),
    Setting("untracked_after", 3, "failed checks in a row before a 'no longer tracked' alert"),
    Setting("notify_chunk", 0, "split alert bodies longer than this (0: the channel's own limit)"),
    Setting("jitter", 0.1, "fraction of a document's interval added at random to its next check"),
    Setting("workers", 0, "processes for extract/segment/classify (0: one per core)", env="TOSMON_WORKERS"),
)

_BY_NAME = {s.name: s for s in SETTINGS}

Settings = make_dataclass(
    "Settings", [(s.name, type(s.default)) for s in SETTINGS], frozen=True,
)
Settings.__doc__ = "The values in force; build with load()."


def _coerce(setting: Setting, raw: Any) -> Any:
    kind = type(setting.default)
    if isinstance(raw, kind):
        return raw
    if kind is bool:
        return str(raw).strip().lower() in {"1", "true", "yes", "on"}
    return kind(raw)


def load(overrides: Mapping[str, Any] | None = None,
         environ: Mapping[str, str] | None = None) -> "Settings":
    """Defaults, then the environment, then explicit overrides (None = not given)."""
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for s in SETTINGS:
        value = s.default
        if s.env and environ.get(s.env) not in (None, ""):
            value = environ[s.env]
        values[s.name] = _coerce(s, value)
    for name, value in (overrides or {}).items():
        if name not in _BY_NAME:
            raise KeyError(f"unknown setting {name!r}")
        if value is not None:
            values[name] = _coerce(_BY_NAME[name], value)
    return Settings(**values)


def env_value(name: str, environ: Mapping[str, str] | None = None) -> str | None:
    """Read one variable a user named by reference (a secret's {"$env": NAME})."""
    return (os.environ if environ is None else environ).get(name)


def describe() -> list[dict[str, Any]]:
    return [{"name": s.name, "default": s.default, "env": s.env, "help": s.help} for s in SETTINGS]


def replace(settings: "Settings", **changes: Any) -> "Settings":
    values = {f.name: getattr(settings, f.name) for f in fields(settings)}
    values.update(changes)
    return Settings(**values)
