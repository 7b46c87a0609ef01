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

import functools
import json
import os
import re
from typing import Any, Iterable

import yaml

from .errors import WatchlistError
from .models import LABELS, Document, SecretRef, Service, Source, Subscription, Watchlist
from .watchlist_rules import Where, parse_interval, schema, schema_problems, semantic_problems

__all__ = ["load", "loads", "validate", "parse_interval", "schema", "WatchlistInvalid",
           "DEFAULT_INTERVAL"]

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # PyYAML built without libyaml
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

DEFAULT_INTERVAL = 6 * 3600



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
    found += schema_problems(data)
    flagged = {p for p, _ in found}
    line_of = functools.partial(_line, lines)
    found += [(p, m) for p, m in semantic_problems(data, line_of) if p not in flagged]
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


# -- building models ----------------------------------------------------------

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
