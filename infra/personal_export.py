""" "Download my data": everything the log holds on a trainee's own record, for them.

It is their own data, so personal fields are shown; hashes of passwords and keys
never are (`event_log.SECRETS`). The record is read by its aggregate id, not by
scanning the log. Their account is found by its login email (the one they are
signed in with, or the one they registered with), and kept only when it is
linked to the same person.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from eventsourcing.utils import get_topic

from domain.accounts import Account, normalised_email
from domain.application import Tremplin
from domain.errors import InvalidValue, NotFound
from domain.ids import account_id, trainee_id
from domain.trainee import Trainee
from infra.event_log import event_as_dict

FORMAT = "tremplin-personal-export/1"


def export_person(
    app: Tremplin, person_ref: str, *, email: str | None = None, now: datetime | None = None
) -> dict[str, Any]:
    """A JSON-ready dict: `person_ref`, `exported_at`, `format` and `events` (the trainee
    record's events in order, then their account's, if one is linked to them).

    Raises NotFound for someone never registered.
    """
    events = _events_of(app, trainee_id(person_ref))
    if not events or not isinstance(events[0], Trainee.Registered):
        raise NotFound(f"{person_ref} is not registered")
    registered_email = events[0].personal.email
    account = _linked_account(app, person_ref, (email, registered_email))
    return {
        "format": FORMAT,
        "person_ref": person_ref,
        "exported_at": (now or datetime.now(UTC)).isoformat(timespec="seconds"),
        "events": [_plain(event) for event in events + account],
    }


def _events_of(app: Tremplin, aggregate_id: UUID) -> list[Any]:
    return [app.mapper.to_domain_event(s) for s in app.recorder.select_events(aggregate_id)]


def _linked_account(app: Tremplin, person_ref: str, emails: Iterable[str | None]) -> list[Any]:
    """The events of the first account, by these emails, that acts for `person_ref`."""
    for email in emails:
        if not email:
            continue
        try:
            login = normalised_email(email)
        except InvalidValue:
            continue
        events = _events_of(app, account_id(login))
        if (
            events
            and isinstance(events[0], Account.Opened)
            and events[0].links.get("person_ref") == person_ref
        ):
            return events
    return []


def _plain(event: Any) -> dict[str, Any]:
    """The event as `tremplin events --with-personal --json` shows it, without a log
    position (read by aggregate, the record does not carry it)."""
    shown = event_as_dict(0, get_topic(type(event)), event, personal=True)
    del shown["position"]
    return shown
