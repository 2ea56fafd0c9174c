"""Today's outcome figures per programme, recomputed only when the outcomes view moves.

Computing a report reads every person of a programme (about a second for OULAD);
pages ask for the same one until new events arrive.
"""

from __future__ import annotations

from datetime import UTC, datetime
from threading import Lock

from domain.errors import NotFound
from projections.outcome_figures import OutcomeReport, figures
from projections.store import ViewStore


class OutcomeCache:
    def __init__(self) -> None:
        self._reports: dict[str, tuple[tuple[int, str], OutcomeReport]] = {}
        self._lock = Lock()

    def today(self, views: ViewStore, programme_code: str) -> OutcomeReport | None:
        """None while the outcomes view has not yet read the programme's launch."""
        key = (views.read_position("outcomes"), datetime.now(UTC).date().isoformat())
        with self._lock:
            cached = self._reports.get(programme_code)
        if cached is not None and cached[0] == key:
            return cached[1]
        try:
            report = figures(views, programme_code)
        except NotFound:
            return None
        with self._lock:
            self._reports[programme_code] = (key, report)
        return report
