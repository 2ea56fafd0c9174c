"""Reading the log for people: filtered, in order, as plain dictionaries."""

from __future__ import annotations

import importlib
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, fields, is_dataclass
from datetime import date, datetime
from enum import Enum
from functools import cache
from pathlib import Path
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.application import Tremplin
from domain.ids import trainee_id
from domain.trainee import Trainee
from infra.sqlite_log import CHAIN_TABLE

PAGE = 1000
DOMAIN_MODULES = (
    "domain.programme",
    "domain.trainee",
    "domain.learning",
    "domain.coaching",
    "domain.placement",
    "domain.commands",
    "domain.badges",
    "domain.accounts",
    "domain.installation",
    "domain.sessions",
    "domain.wall",
    "domain.jobcentres",
)
HIDDEN = "[personal data hidden]"
# Hashes of passwords and API keys: never shown, whoever reads the log.
SECRETS = frozenset({"password_hash", "secret_hash"})
WITHHELD = "[secret withheld]"
# The fields that carry a trainee's reference (read from every event class in
# DOMAIN_MODULES): the person filter looks for the person in them, and the log
# browser shows a pseudonym there. Mentors and employers are staff and
# organisations: their references stay.
PERSON_FIELDS = frozenset({"person_ref", "author_ref", "by_ref", "helped_ref"})


@dataclass(frozen=True)
class LogFilter:
    """Which events to keep: by type, person, cohort, and a range on either clock.

    `occurred_*` bound the day a fact happened (`occurred_on`: events without one,
    such as account changes, are left out when either bound is given); `recorded_*`
    bound when the platform recorded it (the event's timestamp, UTC). A person is
    kept wherever the log names them: their own record, and the events of others
    that name them (a badge, a wall post, a peer's help, an account's link).
    """

    types: frozenset[str] = frozenset()  # event class names: "Enrolled", "AssessmentSubmitted"…
    person_ref: str | None = None
    cohort_id: str | None = None
    first: int = 1
    last: int | None = None
    occurred_from: date | None = None
    occurred_to: date | None = None
    recorded_from: datetime | None = None
    recorded_to: datetime | None = None

    def keeps(self, topic: str, event: Any) -> bool:
        if self.types and event_type(topic) not in self.types:
            return False
        if self.person_ref is not None and not names_person(event, self.person_ref):
            return False
        if self.cohort_id is not None and getattr(event, "cohort_id", None) != self.cohort_id:
            return False
        if self.occurred_from is not None or self.occurred_to is not None:
            day = getattr(event, "occurred_on", None)
            if not isinstance(day, date):
                return False
            if not (self.occurred_from or date.min) <= day <= (self.occurred_to or date.max):
                return False
        recorded: datetime = event.timestamp
        if self.recorded_from is not None and recorded < self.recorded_from:
            return False
        return self.recorded_to is None or recorded <= self.recorded_to


def names_person(event: Any, person_ref: str) -> bool:
    """Whether the event is on the person's record or names them in one of its fields."""
    if event.originator_id == trainee_id(person_ref):
        return True
    if any(getattr(event, name, None) == person_ref for name in PERSON_FIELDS):
        return True
    links = getattr(event, "links", None)
    return isinstance(links, dict) and links.get("person_ref") == person_ref


def known_event_types() -> frozenset[str]:
    """The short names of every event class the domain defines (for `--type`)."""
    return frozenset(_event_classes())


@cache
def _event_classes() -> dict[str, type]:
    found: dict[str, type] = {}
    for module in DOMAIN_MODULES:
        for value in vars(importlib.import_module(module)).values():
            for candidate in [value, *vars(value).values()] if isinstance(value, type) else []:
                if _is_domain_event(candidate):
                    found[candidate.__name__] = candidate
    return found


def _is_domain_event(candidate: object) -> bool:
    return (
        isinstance(candidate, type)
        and issubclass(candidate, Aggregate.Event)
        and candidate.__module__.startswith("domain.")
        and candidate.__name__ not in ("Event", "Created")  # generic bases, never recorded
    )


def event_type(topic: str) -> str:
    """`domain.trainee:Trainee.Enrolled` → `Enrolled`."""
    return topic.rpartition(":")[2].rpartition(".")[2]


def read_log(app: Tremplin, selection: LogFilter) -> Iterator[tuple[int, str, Any]]:
    """(position, topic, event) for each event the filter keeps, in log order."""
    start = selection.first
    while True:
        page = app.recorder.select_notifications(start, PAGE, stop=selection.last)
        for notification in page:
            event = app.mapper.to_domain_event(notification)
            if selection.keeps(notification.topic, event):
                yield notification.id, notification.topic, event
        if len(page) < PAGE:
            return
        start = page[-1].id + 1


def chain_links(database: Path, positions: Iterable[int]) -> dict[int, str]:
    """Each position's link in the log's hash chain (hex), read-only, in one query."""
    wanted = sorted(set(positions))
    links: dict[int, str] = {}
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
        for start in range(0, len(wanted), PAGE):
            chunk = wanted[start : start + PAGE]
            marks = ",".join("?" * len(chunk))
            for position, link in connection.execute(
                f"SELECT position, link FROM {CHAIN_TABLE} WHERE position IN ({marks})", chunk
            ):
                links[position] = bytes(link).hex()
    return links


def chain_head(database: Path) -> tuple[int, str] | None:
    """The log's last chained position and its link (hex), None for an empty log: a
    reader who quotes it can later check with `tremplin audit verify` that nothing
    up to it changed."""
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
        row = connection.execute(
            f"SELECT position, link FROM {CHAIN_TABLE} ORDER BY position DESC LIMIT 1"
        ).fetchone()
    return (int(row[0]), bytes(row[1]).hex()) if row else None


def trainees_behind(app: Tremplin, aggregate_ids: Iterable[str]) -> dict[str, str]:
    """The person_ref of each of these aggregates that is a trainee's record, from its
    first event (`Trainee.Registered`): the log can name people the read models have
    not reached yet (an import in progress), and those must not show in clear."""
    found: dict[str, str] = {}
    for aggregate_id in set(aggregate_ids):
        first = app.recorder.select_events(UUID(aggregate_id), lte=1)
        event = app.mapper.to_domain_event(first[0]) if first else None
        if isinstance(event, Trainee.Registered):
            found[aggregate_id] = event.person_ref
    return found


def event_as_dict(
    position: int, topic: str, event: Any, *, personal: bool = False
) -> dict[str, Any]:
    """A JSON-ready view of an event; personal fields are hidden unless asked for."""
    state = {
        k: v
        for k, v in vars(event).items()
        if k not in ("originator_id", "originator_version", "timestamp")
    }
    for name in SECRETS & state.keys():
        state[name] = WITHHELD
    if not personal and "personal" in state:
        state["personal"] = HIDDEN if state["personal"] is not None else None
    return {
        "position": position,
        "type": event_type(topic),
        "topic": topic,
        "aggregate_id": str(event.originator_id),
        "version": event.originator_version,
        "recorded_at": event.timestamp.isoformat(),
        **{k: _plain(v) for k, v in state.items()},
    }


def _plain(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, UUID):
        return str(value)
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, (tuple, list, set, frozenset)):
        return [_plain(v) for v in value]
    return value
