"""Read watchlist.yaml into models, or say exactly what is wrong with it.

A watchlist is written by hand, so every problem is reported at once, each
with its file, line, field and what to do. Three passes make that possible:

1. the YAML is composed into nodes, which remember their line; duplicate keys
   are caught there (PyYAML alone silently keeps the last one);
2. the data is checked against schema/watchlist.schema.json, the contract that
   editors and other tools can use too; its `x-hints` carry the advice;
3. what a schema cannot say is checked by hand: intervals, URLs, CSS
   selectors, subscriptions naming unknown services, repeated names.

Secrets are never read here: a notify target given as {"$env": ...} or
{"$file": ...} stays a SecretRef until delivery.
"""

from __future__ import annotations

import difflib
import functools
import json
import os
import re
from typing import Any, Callable, Iterable
from urllib.parse import urlsplit

import yaml
from cssselect import HTMLTranslator, SelectorError
from jsonschema import Draft202012Validator

from .errors import WatchlistError
from .models import LABELS, Document, SecretRef, Service, Source, Subscription, Watchlist

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # PyYAML built without libyaml
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

DEFAULT_INTERVAL = 6 * 3600

Where = tuple  # keys and list indexes from the top of the file down to a value


class WatchlistInvalid(WatchlistError):
    """Several problems at once; str() lists them all, one per line.

    Its path, line and field are those of the first problem, so code that
    handles a single WatchlistError still gets something precise.
    """

    def __init__(self, errors: Iterable[WatchlistError]):
        self.errors = tuple(errors)
        first = self.errors[0]
        super().__init__(first.reason, path=first.path, line=first.line, field=first.field)

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.errors)


def load(path: str | os.PathLike) -> Watchlist:
    """Read and check a watchlist file.

    Raises WatchlistError for a single problem, WatchlistInvalid (a
    WatchlistError) listing every problem when there are several.
    """
    path = os.fspath(path)
    return loads(_read(path), path)


def loads(text: str, path: str = "<watchlist>") -> Watchlist:
    """Check watchlist text; `path` names it in errors and anchors $file secrets."""
    data, problems = _check(text, path)
    if len(problems) == 1:
        raise problems[0]
    if problems:
        raise WatchlistInvalid(problems)
    return _build(data, path)


def validate(path: str | os.PathLike) -> list[WatchlistError]:
    """Every problem of a watchlist file, in line order; [] when it is valid."""
    path = os.fspath(path)
    try:
        return _check(_read(path), path)[1]
    except WatchlistError as error:
        return [error]


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


def schema() -> dict:
    """The JSON Schema of a watchlist (Draft 2020-12)."""
    return json.loads(_schema_text())


_INTERVAL_HINT = "write a number and a unit (s, m, h, d, w): 30m, 6h, 1d"
_UNITS = {"s": 1, "sec": 1, "second": 1, "m": 60, "min": 60, "minute": 60,
          "h": 3600, "hr": 3600, "hour": 3600, "d": 86400, "day": 86400, "w": 604800, "week": 604800}
_UNIT = r"(seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|h|days?|d|weeks?|w)"
_INTERVAL_PART = re.compile(r"(\d+(?:\.\d+)?)\s*" + _UNIT)
_INTERVAL_RE = re.compile(r"(?:\s*\d+(?:\.\d+)?\s*" + _UNIT + r")+\s*")


# -- reading ------------------------------------------------------------------

def _read(path: str) -> str:
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except FileNotFoundError:
        raise WatchlistError("no such file; pass --watchlist PATH, set TOSMON_WATCHLIST, "
                             "or start from the watchlist.yaml shipped with tosmon", path=path) from None
    except IsADirectoryError:
        raise WatchlistError("is a directory; point --watchlist at a .yaml file", path=path) from None
    except OSError as error:
        raise WatchlistError(f"cannot be read: {error.strerror}", path=path) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[:error.start].count(b"\n") + 1
        raise WatchlistError(f"not UTF-8 text (byte {raw[error.start]:#04x}); save the file as UTF-8",
                             path=path, line=line) from None


def _check(text: str, path: str) -> tuple[Any, list[WatchlistError]]:
    """The data of a watchlist and all its problems, sorted by line."""
    data, lines, found = _compose(text, path)
    if data is None:
        return None, [WatchlistError("the watchlist is empty; it needs a services: block "
                                     "(see the watchlist.yaml shipped with tosmon)", path=path, line=1)]
    found += _schema_problems(data)
    flagged = {p for p, _ in found}
    line_of = functools.partial(_line, lines)
    found += [(p, m) for p, m in _semantic_problems(data, line_of) if p not in flagged]
    seen: set = set()
    problems = []
    for p, message in found:
        if (p, message) not in seen:
            seen.add((p, message))
            problems.append(WatchlistError(message, path=path, line=line_of(p), field=_field(p)))
    problems.sort(key=lambda e: e.line or 0)
    return data, problems


def _compose(text: str, path: str) -> tuple[Any, dict, list]:
    """YAML text into data, the line of every key and item, and duplicate keys."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}, []
        walk = _Walk(loader)
        walk(node, (), node.start_mark.line + 1)
        return loader.construct_document(node), walk.lines, walk.duplicates
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        if error.context_mark and "end of stream" in (error.problem or ""):
            mark = error.context_mark  # an unclosed quote or bracket: point where it opened
        raise WatchlistError(_syntax_message(error, text), path=path,
                             line=mark.line + 1 if mark else None) from None
    except yaml.YAMLError as error:
        raise WatchlistError(f"not valid YAML: {error}", path=path) from None
    except WatchlistError as error:
        raise WatchlistError(error.reason, path=path, line=error.line, field=error.field) from None
    finally:
        loader.dispose()


class _Walk:
    """The line of every key and list item, and the keys given twice."""

    def __init__(self, loader):
        self.loader = loader
        self.lines: dict[Where, int] = {}
        self.duplicates: list[tuple[Where, str]] = []
        self.done: set[int] = set()      # nodes walked already (aliases repeat them)
        self.open: set[int] = set()      # nodes being walked (an alias inside itself loops)

    def __call__(self, node, path: Where, line: int) -> None:
        if id(node) in self.open:
            raise WatchlistError("an alias refers to itself; YAML anchors must not loop",
                                 line=node.start_mark.line + 1, field=_field(path))
        self.lines[path] = line
        if id(node) in self.done:
            return  # errors inside an alias point at the alias
        self.done.add(id(node))
        self.open.add(id(node))
        if isinstance(node, yaml.MappingNode):
            first: dict = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue  # `<<: *anchor` keys may be overridden on purpose
                key = _key(key_node, self.loader)
                key_line = key_node.start_mark.line + 1
                if key in first:
                    self.duplicates.append((path + (key,), f"{key!r} is given twice (first at line "
                                            f"{first[key]}); YAML would silently keep only the last: "
                                            "merge them or rename one"))
                else:
                    first[key] = key_line
                self(value_node, path + (key,), key_line)
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                self(item, path + (index,), item.start_mark.line + 1)
        self.open.discard(id(node))


def _key(node, loader) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return node.value if node.tag == "tag:yaml.org,2002:str" else loader.construct_object(node)
    return f"<{node.id}>"  # a list or mapping used as a key; the constructor refuses it


def _syntax_message(error: yaml.MarkedYAMLError, text: str) -> str:
    problem = error.problem or "cannot be parsed"
    said = f"{error.context}, {problem}" if error.context else problem
    mark = error.problem_mark
    line = text.splitlines()[mark.line] if mark and mark.line < len(text.splitlines()) else ""
    if "\t" in line[:len(line) - len(line.lstrip())] or "'\\t'" in problem:
        hint = "indent with spaces: YAML forbids tabs"
    elif "mapping values are not allowed" in problem:
        hint = "quote a value that contains ': ', or check the indentation"
    elif "single document" in said:
        hint = "keep one document per file: remove the extra '---'"
    else:
        hint = "check the indentation and quotes on this line and the one before"
    return f"YAML syntax error: {said}; {hint}"


def _line(lines: dict, path: Where) -> int | None:
    for end in range(len(path), -1, -1):
        if path[:end] in lines:
            return lines[path[:end]]
    return None


def _field(path: Where) -> str | None:
    out = ""
    for part in path:
        if isinstance(part, int) and not isinstance(part, bool):
            out += f"[{part}]"
        else:
            text = str(part)
            token = text if re.fullmatch(r"[A-Za-z0-9_$-]+", text) else json.dumps(text, ensure_ascii=False)
            out += f".{token}" if out else token
    return out or None


# -- schema -------------------------------------------------------------------

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


def _schema_problems(data: Any) -> list[tuple[Where, str]]:
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


def _semantic_problems(data: Any, line_of: Callable[[Where], int | None]) -> list[tuple[Where, str]]:
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

def _build(data: dict, path: str) -> Watchlist:
    defaults = data.get("defaults") or {}
    base_interval = parse_interval(defaults["interval"]) if "interval" in defaults else DEFAULT_INTERVAL
    base_browser = defaults.get("browser", False)
    services = []
    for sid, spec in data["services"].items():
        interval = parse_interval(spec["interval"]) if "interval" in spec else base_interval
        browser = spec.get("browser", base_browser)
        documents = tuple(_document(sid, spec["name"], name, doc, interval, browser)
                          for name, doc in spec["documents"].items())
        services.append(Service(id=sid, name=spec["name"], documents=documents))
    subscriptions = tuple(_subscription(s, path) for s in data.get("subscriptions") or ())
    return Watchlist(path=path, services=tuple(services), subscriptions=subscriptions)


def _document(sid: str, service_name: str, name: str, spec: dict, interval: int, browser: bool) -> Document:
    select, remove = _selectors(spec.get("select")), _selectors(spec.get("remove"))
    browser = spec.get("browser", browser)
    given = [spec] if "url" in spec else spec["sources"]
    sources = tuple(Source(url=s["url"],
                           select=_selectors(s["select"]) if "select" in s else select,
                           remove=_selectors(s["remove"]) if "remove" in s else remove,
                           browser=s.get("browser", browser))
                    for s in given)
    return Document(service=sid, service_name=service_name, name=name, sources=sources,
                    lang=spec.get("lang"),
                    interval=parse_interval(spec["interval"]) if "interval" in spec else interval)


def _selectors(value: str | list[str] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def _subscription(spec: dict, path: str) -> Subscription:
    return Subscription(name=spec["name"], notify=_notify(spec["notify"], path),
                        services=tuple(spec.get("services", ())),
                        labels=tuple(spec.get("labels", LABELS)),
                        languages=tuple(spec.get("languages", ())))


def _notify(value: str | dict, path: str) -> str | SecretRef:
    if isinstance(value, str):
        return value
    (key, ref), = value.items()
    if key == "$file" and not os.path.isabs(ref):
        # Relative to the watchlist, so the same file works from any directory.
        ref = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(path)), ref))
    return SecretRef(kind=key[1:], value=ref)
