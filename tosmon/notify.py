"""Deliver owed alerts through apprise, once each.

Alerts are owed in the outbox by the storage layer; this module empties it:
it turns a subscription's target (a URL, or a reference to a secret holding
one) into an apprise object, sends each alert, splitting it at clause
boundaries where the channel limits length, and tells the store at once what
happened.

Delivery is at-least-once with a window of one message: see deliver_owed().
"""

from __future__ import annotations

import ipaddress
import logging
import os
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable, Iterable, Protocol, Sequence

import apprise
from apprise.conversion import convert_between

from .errors import NotifyError
from .models import Alert, SecretRef, Subscription
from .settings import env_value

log = logging.getLogger(__name__)

TEXT = apprise.NotifyFormat.TEXT

# Room kept for the " (2/3)" a split part may add to its title, on channels that
# put the title inside the body.
_TITLE_COUNTER = 12

# An HTTP status in apprise's failure messages ("... error=503.").
_STATUS = re.compile(r"\berror=(\d{3})\b")


class DeliveryError(NotifyError):
    """A channel did not take an alert.

    `transient` says whether trying again later may help (the channel was
    unreachable, timed out or answered 5xx/429) rather than the target being
    unusable; `sent` counts the parts of a split alert the channel accepted
    before the failure.
    """

    def __init__(self, message: str, *, subscription: str, transient: bool, sent: int = 0):
        self.subscription, self.transient, self.sent = subscription, transient, sent
        super().__init__(message)


# -- targets -------------------------------------------------------------------

def resolve_target(subscription: Subscription, *, base_dir: str = ".") -> str:
    """The apprise URL(s) of a subscription, read from the secret it names if need be.

    A file reference is relative to the watchlist's folder so a watchlist and
    its secrets can move together. A file may hold several URLs, one per line;
    lines starting with '#' are ignored.
    """
    target = subscription.notify
    who = f"subscription {subscription.name!r}"
    if isinstance(target, str):
        url = target.strip()
        if not url:
            raise NotifyError(f"{who}: notify is empty; give an apprise URL such as "
                              "mailto://user:password@example.org or a reference "
                              "{\"$env\": NAME} / {\"$file\": path}")
        return url
    if not isinstance(target, SecretRef):
        raise NotifyError(f"{who}: notify must be an apprise URL or a $env/$file reference")
    if target.kind == "env":
        value = (env_value(target.value) or "").strip()
        if not value:
            raise NotifyError(f"{who}: environment variable {target.value} is not set or empty; "
                              f"set it to the apprise URL of the target "
                              f"(e.g. export {target.value}='mailto://...')")
        return value
    if target.kind == "file":
        path = os.path.join(base_dir, os.path.expanduser(target.value))
        try:
            with open(path, encoding="utf-8") as handle:
                lines = [line.strip() for line in handle]
        except OSError as error:
            raise NotifyError(f"{who}: cannot read the notify target file {path}: "
                              f"{error.strerror or error}; create it with the apprise URL "
                              "of the target on one line") from None
        value = "\n".join(line for line in lines if line and not line.startswith("#"))
        if not value:
            raise NotifyError(f"{who}: the notify target file {path} is empty; "
                              "write the apprise URL of the target in it")
        return value
    raise NotifyError(f"{who}: unknown notify reference ${target.kind}; use $env or $file")


def _scheme(url: str) -> str:
    """The scheme of a target, the only part of it safe to show (the rest may be secret)."""
    head = url.split("://", 1)[0] if "://" in url else ""
    return f"{head}://" if re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]{0,24}", head) else "(no scheme)"


# -- sending -------------------------------------------------------------------

class Notifier:
    """Sends alerts to the targets of a watchlist's subscriptions.

    Targets are resolved on first use, so one subscription with a missing
    secret does not stop the others. Each target's apprise object is kept for
    the Notifier's life: apprise paces requests per object, and building one
    loads its plugins.
    """

    def __init__(self, subscriptions: Iterable[Subscription], *, base_dir: str = ".",
                 chunk: int = 0, timeout: float = 60.0, verbose: bool = False):
        self.subscriptions = {s.name: s for s in subscriptions}
        self.base_dir = base_dir
        self.chunk = chunk              # 0: the channel's own limit
        self.timeout = timeout          # seconds for one message, all retries included
        self._targets: dict[str, apprise.Apprise] = {}
        # Apprise reports failures in the result we read; its own log lines
        # would only repeat them, so they reach the application's logging
        # only when asked for.
        logging.getLogger("apprise").propagate = verbose

    def target(self, name: str) -> apprise.Apprise:
        """The apprise object of a subscription; NotifyError when it cannot be built."""
        if name in self._targets:
            return self._targets[name]
        subscription = self.subscriptions.get(name)
        if subscription is None:
            raise DeliveryError(
                f"subscription {name!r} is no longer in the watchlist; its alert stays owed "
                "and is delivered if the subscription comes back",
                subscription=name, transient=False)
        url = resolve_target(subscription, base_dir=self.base_dir)
        target = apprise.Apprise()
        if not target.add(url) or len(target) == 0:
            raise DeliveryError(
                f"subscription {name!r}: the notify target ({_scheme(url)}) is not a URL apprise "
                "can use; check its spelling against the apprise documentation of that service",
                subscription=name, transient=False)
        for service in target:
            if _is_loopback(getattr(service, "host", None)):
                # apprise waits seconds between messages to spare a remote
                # service (5.5 s for e-mail); a relay on this machine needs no
                # sparing, and a backlog of alerts should not crawl through it.
                service.request_rate_per_sec = 0
        self._targets[name] = target
        return target

    def deliver(self, alert: Alert, *, skip: int = 0,
                on_part: Callable[[int], None] | None = None) -> int:
        """Send an alert, in several messages when the channel is too short for it.

        Returns the number of messages the alert took. Parts before `skip`
        are not sent again; `on_part(n)` hears as soon as the channel took the
        first n parts of a split alert, so a caller can remember it. Raises
        DeliveryError when the channel refuses or cannot be reached,
        NotifyError when the target is unusable.
        """
        target = self.target(alert.subscription)
        services = list(target)
        parts = self.parts(alert, services)
        for number, (title, body) in enumerate(parts):
            if number < skip:
                continue
            self._send(target, alert, title, body, sent=number, total=len(parts))
            if on_part and number + 1 < len(parts):
                on_part(number + 1)
        return len(parts)

    def parts(self, alert: Alert, services: Sequence) -> list[tuple[str, str]]:
        """The messages an alert becomes on these services: itself, or split at clauses.

        The limit is checked on the text each service will really carry (an
        HTML channel escapes the text; a channel without titles prepends the
        title), so the split is tightened a few times until every part fits.
        split() cuts inside a clause only when that clause alone is longer
        than a message can be, and marks the pieces as continued.
        """
        if _fits(alert.title, alert.body, services, self.chunk):
            return [(alert.title, alert.body)]
        from .alerts import split

        limit = _limit(alert, services, self.chunk)
        best: tuple[int, int, list[tuple[str, str]]] | None = None
        for _ in range(6):
            parts = split(alert, limit)
            unfit = sum(not _fits(t, b, services, self.chunk) for t, b in parts)
            if best is None or (unfit, len(parts)) < best[:2]:
                best = (unfit, len(parts), parts)
            if unfit == 0 or limit <= 40:
                break
            limit = int(limit * 0.85)
        return best[2]

    def _send(self, target: apprise.Apprise, alert: Alert, title: str, body: str, *,
              sent: int, total: int) -> None:
        name = alert.subscription
        which = f" (part {sent + 1} of {total})" if total > 1 else ""
        try:
            result = target.notify(title=title, body=body, body_format=TEXT, timeout=self.timeout)
        except Exception as error:  # apprise promises a result, but plugins are many
            raise DeliveryError(f"subscription {name!r}: sending {alert.document}{which} failed: "
                                f"{type(error).__name__}: {error}",
                                subscription=name, transient=False, sent=sent) from error
        with result:
            if result:
                return
            transient, why = _diagnose(result)
        raise DeliveryError(f"subscription {name!r}: {alert.document}{which} was not delivered: {why}",
                            subscription=name, transient=transient, sent=sent)


def _is_loopback(host: str | None) -> bool:
    if not host:
        return False
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _room(service, title: str, margin: int = 0) -> int:
    """Characters left for the body on a service once the title has taken its share."""
    room = int(service.body_maxlen)
    if service.title_maxlen <= 0 and title:
        room -= len(title) + 2 + margin                 # sent as "title\r\nbody"
    elif getattr(service, "overflow_amalgamate_title", False):
        room -= min(len(title) + margin, int(service.title_maxlen))
    return room


def _carried(service, body: str) -> str:
    """The body as the service will send it (escaped for HTML channels, say)."""
    return convert_between(TEXT, service.resolve_format(TEXT), body)


def _limit(alert: Alert, services: Sequence, chunk: int) -> int:
    """The longest body, as tosmon writes it, that every service takes in one message.

    A channel that converts the text makes it longer; the limit shrinks by as
    much as this alert's body grew. The margin leaves room for the "(2/3)"
    a part's title gains.
    """
    limits = [chunk] if chunk > 0 else []
    for service in services:
        growth = len(_carried(service, alert.body)) / max(1, len(alert.body))
        limits.append(int(_room(service, alert.title, _TITLE_COUNTER) / max(1.0, growth)))
    return max(1, min(limits, default=32768))


def _fits(title: str, body: str, services: Sequence, chunk: int) -> bool:
    if chunk > 0 and len(body) > chunk:
        return False
    return all(len(_carried(s, body)) <= _room(s, title) for s in services)


def _diagnose(result) -> tuple[bool, str]:
    """Whether a failed notify is worth retrying, and apprise's own words for it."""
    messages = [entry.message for entry in result.logs()
                if entry.level in ("WARNING", "ERROR", "CRITICAL")]
    why = "; ".join(dict.fromkeys(messages)) or f"apprise reported {result.status.name}"
    if result.status == apprise.AppriseResultStatus.TIMEOUT:
        return True, why
    statuses = [int(s) for m in messages for s in _STATUS.findall(m)]
    if statuses and all(400 <= s < 500 and s not in (408, 425, 429) for s in statuses):
        return False, why                 # the channel refuses this target or message
    return True, why                      # unreachable, 5xx, or the SMTP server said later


# -- the outbox ----------------------------------------------------------------

class Outbox(Protocol):
    """The part of the store delivery needs."""

    def owed_alerts(self) -> list: ...
    def mark_delivered(self, alert_id: int, at: datetime) -> None: ...
    def mark_parts_sent(self, alert_id: int, parts: int) -> None: ...
    def mark_failed(self, alert_id: int, error: str) -> None: ...


@dataclass(frozen=True)
class DeliveryReport:
    """What one pass over the outbox did.

    `failed` counts every alert still owed afterwards; `deferred` is the part
    of them not even tried because an earlier alert to the same subscription
    had just failed for a reason that may pass.
    """

    delivered: int
    failed: int
    errors: tuple[str, ...] = ()
    deferred: int = 0


def deliver_owed(store: Outbox, notifier: Notifier,
                 now: datetime | Callable[[], datetime] | None = None) -> DeliveryReport:
    """Deliver every owed alert in order; what fails stays owed for the next run.

    Each delivery is marked the moment the channel accepts it, and each part
    of a split alert likewise, so a crash or a failure later does not send
    it again, not even in a later run. One window remains: a crash (or
    a database error) between the channel accepting an alert and the mark
    being written leaves the alert owed, and the next run sends it a second
    time. Closing it would need the channel to deduplicate (an idempotency
    key), which e-mail and most chat services do not offer; a rare duplicate
    is preferred to a lost alert.

    After a transient failure the rest of that subscription's alerts wait for
    the next run: they would most likely fail the same way, and waiting keeps
    them in order behind the one that failed.
    """
    delivered = failed = deferred = 0
    errors: list[str] = []
    stalled: set[str] = set()
    for owed in store.owed_alerts():
        alert = owed.alert
        if alert.subscription in stalled:
            failed += 1
            deferred += 1
            continue
        try:
            notifier.deliver(alert, skip=owed.parts_sent,
                             on_part=lambda parts, alert_id=owed.id: store.mark_parts_sent(alert_id, parts))
        except NotifyError as error:
            message = str(error)
            sent = getattr(error, "sent", 0)
            if sent:
                message += f" (parts 1-{sent} were delivered)"
            if getattr(error, "transient", False):
                stalled.add(alert.subscription)
        except Exception as error:  # one malformed alert must not block the outbox
            log.exception("delivering alert %s failed", owed.id)
            message = f"alert {owed.id} for {alert.document}: {type(error).__name__}: {error}"
        else:
            store.mark_delivered(owed.id, _now(now))
            delivered += 1
            continue
        store.mark_failed(owed.id, message)
        errors.append(message)
        failed += 1
    return DeliveryReport(delivered=delivered, failed=failed, errors=tuple(errors), deferred=deferred)


def _now(now: datetime | Callable[[], datetime] | None) -> datetime:
    if now is None:
        return datetime.now(timezone.utc)
    return now() if callable(now) else now
