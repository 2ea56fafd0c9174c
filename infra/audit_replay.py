"""Recount the outcome figures from the log alone, and compare them with the live ones.

`tremplin audit replay` builds the outcome tables again in a scratch SQLite file,
from an empty store, feeding them only the events recorded up to a moment
(`known_at`) or a position, then asks both stores the same question — the
figures as of a day, from what was known then — and lists what differs. The
live views are built incrementally by the server as events arrive; the replay
reads the log once, in order, with nothing else: if the two disagree, one of
them is wrong, and the differences say where.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from eventsourcing.utils import get_topic

from domain.application import Tremplin
from domain.errors import NotFound
from projections.outcome_compare import Difference, differences
from projections.outcome_definitions import CURRENT, DefinitionSet
from projections.outcome_figures import OutcomeReport, figures
from projections.outcomes import Outcomes
from projections.runner import prepare
from projections.store import ViewStore

BATCH = 2000


@dataclass(frozen=True)
class Recount:
    """One programme's figures recounted from the log, beside the live ones."""

    programme_id: str
    replayed: OutcomeReport
    live: OutcomeReport
    differences: list[Difference]

    @property
    def identical(self) -> bool:
        return not self.differences


@dataclass(frozen=True)
class Replay:
    as_of: date
    known_at: datetime
    through: int  # the last log position the replay read
    events: int  # how many outcome events it applied
    recounts: list[Recount]

    @property
    def identical(self) -> bool:
        return all(recount.identical for recount in self.recounts)


def replay(
    app: Tremplin,
    live: ViewStore,
    as_of: date,
    *,
    known_at: datetime | None = None,
    position: int | None = None,
    programmes: Sequence[str] = (),
    definitions: DefinitionSet = CURRENT,
    scratch: Path | None = None,
) -> Replay:
    """Rebuild the outcome tables from the log up to `known_at` or `position`, and compare.

    With `position`, the replay reads events up to it and asks for what was known
    when that event was recorded. `programmes` defaults to every programme the
    replay found. Raises NotFound for a position beyond the log or an unknown
    programme.
    """
    if known_at is not None and position is not None:
        raise ValueError("give known_at or position, not both")
    head = app.recorder.max_notification_id() or 0
    through = head if position is None else position
    if not 0 < through <= head:
        raise NotFound(f"position {position} is not in the log (1 to {head:,})")
    if position is not None:
        known_at = _recorded_at(app, position)
    known_at = known_at or datetime.now(UTC)
    with tempfile.TemporaryDirectory(dir=scratch) as folder:
        store = ViewStore(Path(folder) / "replay-views.sqlite")
        try:
            applied = _rebuild(app, store, through, known_at)
            codes = list(programmes) or [
                row["programme_code"]
                for row in store.query(
                    "SELECT programme_code FROM outcome_programmes ORDER BY programme_code"
                )
            ]
            recounts = []
            for code in codes:
                replayed = figures(store, code, as_of, known_at, definitions)
                current = figures(live, code, as_of, known_at, definitions)
                recounts.append(Recount(code, replayed, current, differences(current, replayed)))
        finally:
            store.close()
    return Replay(as_of, known_at, through, applied, recounts)


def _rebuild(app: Tremplin, store: ViewStore, through: int, known_at: datetime) -> int:
    """Apply the outcome events up to `through` that were recorded by `known_at`."""
    projection = Outcomes()
    prepare(store, projection)
    topics = [get_topic(cls) for cls in projection.event_classes]
    applied, start = 0, 1
    while start <= through:
        page = app.recorder.select_notifications(start, BATCH, stop=through, topics=topics)
        with store.transaction() as connection:
            for notification in page:
                event: Any = app.mapper.to_domain_event(notification)  # an Aggregate.Event
                if event.timestamp <= known_at:
                    projection.apply(connection, event, notification.id)
                    applied += 1
        if len(page) < BATCH:
            break
        start = page[-1].id + 1
    return applied


def _recorded_at(app: Tremplin, position: int) -> datetime:
    """When the event at `position` was recorded (its timestamp)."""
    found = app.recorder.select_notifications(position, 1, stop=position)
    if not found:
        raise NotFound(f"no event at position {position}")
    event: Any = app.mapper.to_domain_event(found[0])
    moment: datetime = event.timestamp
    return moment
