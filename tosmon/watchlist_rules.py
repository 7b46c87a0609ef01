"""The rules a watchlist must follow, beyond being YAML.

The JSON Schema in schema/watchlist.schema.json says what may appear where;
the checks here say what a schema cannot: intervals that parse, URLs that
can be fetched, CSS selectors that compile, subscriptions that name known
services and labels. Each problem is a (path, message) pair; watchlist.py
turns the path into a line of the file.
"""

from __future__ import annotations

import difflib
import functools
import json
import os
import re
from typing import Any, Callable
from urllib.parse import urlsplit

from cssselect import HTMLTranslator, SelectorError
from jsonschema import Draft202012Validator

from .errors import WatchlistError

Where = tuple  # keys and list indexes from the top of the file down to a value

def parse_interval(text: str | int) -> int:
    """Seconds in an interval written as 30m, 6h, 1d, 1h30m or whole seconds.

    Raises WatchlistError (without a location: callers add it) otherwise.
    """
    if isinstance(text, bool) or not isinstance(text, (int, str)):
        raise WatchlistError(f"{text!r} is not an interval; {_INTERVAL_HINT}")
    if isinstance(text, int):
        seconds = text
    else:
        compact = text.strip().lower()
        if compact.isdigit():
            seconds = int(compact)
        elif _INTERVAL_RE.fullmatch(compact):
            seconds = round(sum(float(n) * _UNITS[u.rstrip("s") or "s"]
                                for n, u in _INTERVAL_PART.findall(compact)))
        else:
            raise WatchlistError(f"{text!r} is not an interval; {_INTERVAL_HINT}")
    if seconds < 1:
        raise WatchlistError(f"{text!r} is too short; checks must be at least 1s apart ({_INTERVAL_HINT})")
    return seconds


_INTERVAL_HINT = "write a number and a unit (s, m, h, d, w): 30m, 6h, 1d"
_UNITS = {"s": 1, "sec": 1, "second": 1, "m": 60, "min": 60, "minute": 60,
          "h": 3600, "hr": 3600, "hour": 3600, "d": 86400, "day": 86400, "w": 604800, "week": 604800}
_UNIT = r"(seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|h|days?|d|weeks?|w)"
_INTERVAL_PART = re.compile(r"(\d+(?:\.\d+)?)\s*" + _UNIT)
_INTERVAL_RE = re.compile(r"(?:\s*\d+(?:\.\d+)?\s*" + _UNIT + r")+\s*")


def schema() -> dict:
    """The JSON Schema of a watchlist (Draft 2020-12)."""
    return json.loads(_schema_text())


@functools.lru_cache(maxsize=1)
def _schema_text() -> str:
    # Beside this module rather than through importlib.resources, which fails
    # when an editable install has registered tosmon as a namespace package.
    with open(os.path.join(os.path.dirname(__file__), "schema", "watchlist.schema.json"),
              encoding="utf-8") as f:
        return f.read()


@functools.lru_cache(maxsize=1)
def _validator() -> Draft202012Validator:
    return Draft202012Validator(schema())


def schema_problems(data: Any) -> list[tuple[Where, str]]:
    return [problem for error in _validator().iter_errors(data) for problem in _explain(error)]


# Names other tools use for our keys (Open Terms Archive's among them).
_ALIASES = {"fetch": "url", "urls": "sources", "combine": "sources", "selector": "select",
            "selectors": "select", "exclude": "remove", "language": "lang",
            "executeClientScripts": "browser", "js": "browser", "render": "browser",
            "every": "interval", "frequency": "interval", "period": "interval",
            "terms": "documents", "docs": "documents", "url": "notify", "target": "notify",
            "to": "notify", "label": "labels", "lang": "languages", "service": "services"}


def _explain(error) -> list[tuple[Where, str]]:
    """One jsonschema error as (path, advice) pairs in a user's words."""
    path, kind, value = tuple(error.absolute_path), error.validator, error.instance
    hints = error.schema.get("x-hints", {}) if isinstance(error.schema, dict) else {}
    hint = hints.get(kind)
    if "propertyNames" in error.schema_path:  # the key itself is wrong, not its value
        better = ""
        if path == ("services",) and isinstance(value, str):
            slug = re.sub(r"[^a-z0-9_-]+", "-", value.lower()).strip("-_")
            better = f" ({slug!r} would do)" if slug and slug != value else ""
        return [(path + (value,), f"{value!r} cannot be used here{better}; {hint or 'rename it'}")]
    if kind == "additionalProperties":
        allowed = list(error.schema.get("properties", {}))
        return [(path + (key,), _unknown_key(key, allowed)) for key in value if key not in allowed]
    if kind == "required":
        allowed = list(error.schema.get("properties", {}))
        misspelt = {_guess(k, allowed) for k in value if k not in allowed}
        missing = [k for k in error.validator_value if k not in value and k not in misspelt]
        return [(path, f"missing {k!r}; {hint or f'add {k}: here'}") for k in missing]
    if kind == "type":
        return [(path, _type_message(error.validator_value, value, hint))]
    if kind == "enum":
        what = "label" if len(path) >= 2 and path[-2] == "labels" else "value"
        choices = [str(c) for c in error.validator_value]
        return [(path, f"unknown {what} {value!r}{_did_you_mean(value, choices)}; "
                       f"valid {what}s: {', '.join(choices)}")]
    if kind in ("minItems", "minProperties", "minLength"):
        return [(path, f"is empty; {hint or 'give a value or remove the key'}")]
    if kind == "pattern":
        return [(path, f"{value!r} is not valid here; {hint or 'it must match ' + error.validator_value}")]
    if kind in ("oneOf", "anyOf"):
        if path and path[-1] == "notify":
            return [(path, _notify_message(value))]
        allowed = error.schema.get("properties", {})
        if not isinstance(value, dict) or any(k not in allowed for k in value):
            return []  # the wrong type, or an unknown key, is reported on its own
        return [(path, hint or error.message)]
    return [(path, error.message)]


def _unknown_key(key: Any, allowed: list[str]) -> str:
    guess = _guess(key, allowed)
    message = f"unknown key {str(key)!r}" + (f" (did you mean {guess!r}?)" if guess else "")
    return f"{message}; valid keys here: {', '.join(allowed)}"


def _guess(key: Any, allowed: list[str]) -> str | None:
    """The key a user most likely meant: a known synonym, else the closest spelling."""
    alias = _ALIASES.get(str(key))
    if alias in allowed:
        return alias
    close = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.6)
    return close[0] if close else None


def _did_you_mean(value: Any, choices: list[str]) -> str:
    close = difflib.get_close_matches(str(value), choices, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


_TYPE_WORDS = {"string": "text", "integer": "a whole number", "boolean": "true or false",
               "array": "a list", "object": "a mapping (key: value lines)", "null": "empty"}


def _type_message(expected: str | list[str], value: Any, hint: str | None) -> str:
    wanted = [expected] if isinstance(expected, str) else expected
    words = " or ".join(_TYPE_WORDS.get(w, w) for w in wanted if w != "null")
    message = f"expected {words}, got {_describe(value)}"
    if isinstance(value, bool) and "string" in wanted:
        message += " (YAML reads bare yes/no/on/off/true/false as true or false: put the value in quotes)"
    return f"{message}; {hint}" if hint else message


def _describe(value: Any) -> str:
    if value is None:
        return "nothing (the value is empty)"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    return f"{value!r}"


def _notify_message(value: Any) -> str:
    if isinstance(value, dict) and len(value) == 1:
        (key, ref), = value.items()
        if key == "$env":
            return (f"{ref!r} is not an environment variable name; "
                    "write letters, digits and '_', e.g. {\"$env\": \"UNION_SMTP_URL\"}")
        if key == "$file":
            return "{\"$file\": ...} needs the path of a file holding the apprise URL"
        return f"unknown reference {key!r}{_did_you_mean(key, ['$env', '$file'])}; use $env or $file"
    return ("notify: is an apprise URL (e.g. mailtos://user:password@example.org) or a reference "
            "to one: {\"$env\": \"VARIABLE\"} or {\"$file\": \"path/to/file\"}")


# -- what a schema cannot say ---------------------------------------------------

_CSS = HTMLTranslator()


def semantic_problems(data: Any, line_of: Callable[[Where], int | None]) -> list[tuple[Where, str]]:
    out: list[tuple[Where, str]] = []
    if not isinstance(data, dict):
        return out
    if isinstance(data.get("defaults"), dict):
        out += _interval_problems(data["defaults"], ("defaults",))
    services = data.get("services") if isinstance(data.get("services"), dict) else {}
    for sid, service in services.items():
        if not isinstance(service, dict):
            continue
        out += _interval_problems(service, ("services", sid))
        documents = service.get("documents") if isinstance(service.get("documents"), dict) else {}
        for name, document in documents.items():
            if not isinstance(document, dict):
                continue
            where = ("services", sid, "documents", name)
            out += _interval_problems(document, where) + _source_problems(document, where)
            if isinstance(document.get("sources"), list):
                for index, source in enumerate(document["sources"]):
                    if isinstance(source, dict):
                        out += _source_problems(source, where + ("sources", index))
    if isinstance(data.get("subscriptions"), list):
        out += _subscription_problems(data["subscriptions"], [str(s) for s in services], line_of)
    return out


def _interval_problems(block: dict, where: Where) -> list[tuple[Where, str]]:
    value = block.get("interval")
    if value is None or isinstance(value, bool) or not isinstance(value, (int, str)):
        return []
    try:
        parse_interval(value)
    except WatchlistError as error:
        return [(where + ("interval",), error.reason)]
    return []


def _source_problems(block: dict, where: Where) -> list[tuple[Where, str]]:
    out = []
    url = block.get("url")
    if isinstance(url, str) and url:
        problem = _url_problem(url)
        if problem:
            out.append((where + ("url",), problem))
    for key in ("select", "remove"):
        value = block.get(key)
        selectors = [value] if isinstance(value, str) else value if isinstance(value, list) else []
        for index, selector in enumerate(selectors):
            if isinstance(selector, str) and selector:
                problem = _selector_problem(selector)
                if problem:
                    at = where + (key,) + ((index,) if isinstance(value, list) else ())
                    out.append((at, problem))
    return out


def _url_problem(url: str) -> str | None:
    if any(c.isspace() for c in url):
        return f"{url!r} contains a space; copy the address again, or write the space as %20"
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError as error:
        return f"{url!r} is not a valid address ({error})"
    if parts.scheme.lower() not in ("http", "https"):
        return f"{url!r} is not a web address; write it in full, starting with https://"
    if not host:
        return f"{url!r} has no host name; write it in full, e.g. https://example.com/terms"
    return None


def _selector_problem(selector: str) -> str | None:
    try:
        _CSS.css_to_xpath(selector)
    except SelectorError as error:
        return (f"{selector!r} is not a CSS selector tosmon can use ({error}); "
                "check brackets and quotes, e.g. main, #terms, div.legal > article")
    return None


def _subscription_problems(subscriptions: list, service_ids: list[str],
                           line_of: Callable[[Where], int | None]) -> list[tuple[Where, str]]:
    out = []
    first_name: dict[str, int] = {}
    for index, subscription in enumerate(subscriptions):
        if not isinstance(subscription, dict):
            continue
        where = ("subscriptions", index)
        name = subscription.get("name")
        if isinstance(name, str):
            if name in first_name:
                out.append((where + ("name",), f"another subscription is already named {name!r} "
                            f"(line {line_of(('subscriptions', first_name[name]))}); "
                            "give each subscription its own name, alerts are kept per name"))
            else:
                first_name[name] = index
        wanted = subscription.get("services")
        for position, sid in enumerate(wanted if isinstance(wanted, list) else []):
            if isinstance(sid, str) and sid not in service_ids:
                suggestion = _did_you_mean(sid, service_ids) or "; the ids are the keys under services:"
                out.append((where + ("services", position),
                            f"no service {sid!r} in this watchlist{suggestion}"))
        notify = subscription.get("notify")
        if isinstance(notify, str) and notify and "://" not in notify:
            out.append((where + ("notify",), f"{notify!r} is not an apprise URL; write scheme://..., "
                        "e.g. mailtos://user:password@example.org or json://hooks.example.org/tosmon"))
    return out


# -- models -------------------------------------------------------------------
