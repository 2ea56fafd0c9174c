"""All of Tremplin's read models together: catch up, report lag, rebuild."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from dataclasses import dataclass

from domain.application import Tremplin
from projections.accounts import Accounts
from projections.badge_policy import award_due_badges
from projections.catalogue import Catalogue
from projections.coaching_plans import CoachingPlans
from projections.gamification import Gamification
from projections.job_centres import JobCentres
from projections.job_offers import JobOffers
from projections.jobcentre_feed import JobcentreFeed
from projections.leaderboard import Leaderboard, full_names_from_log
from projections.learner_paths import LearnerPaths
from projections.outcomes import Outcomes
from projections.people_access import PeopleAccess
from projections.person_badges import PersonBadges
from projections.runner import GapWatch, Notice, Projection, catch_up, prepare
from projections.store import PositionMoved, ViewStore, reset
from projections.wall import Wall


@dataclass(frozen=True)
class Status:
    name: str
    position: int
    head: int

    @property
    def lag(self) -> int:
        return self.head - self.position


def every_projection(app: Tremplin) -> list[Projection]:
    """The platform's read models, in the order they are fed."""
    return [
        Catalogue(),
        LearnerPaths(),
        PeopleAccess(),
        Accounts(),
        Outcomes(),
        Gamification(),
        Leaderboard(full_names_from_log(app)),
        CoachingPlans(),
        JobOffers(),
        PersonBadges(),
        Wall(full_names_from_log(app)),
        JobCentres(),
        JobcentreFeed(),
    ]


class ReadModels:
    def __init__(
        self,
        app: Tremplin,
        store: ViewStore,
        projections: list[Projection],
        *,
        policies: bool = True,
    ) -> None:
        self.app, self.store, self.policies = app, store, policies
        self._busy = threading.Lock()  # one pass at a time; close waits for it
        self.projections = {p.name: p for p in projections}
        self._gaps = {name: GapWatch() for name in self.projections}
        for projection in projections:
            prepare(store, projection)

    def catch_up(self) -> list[Notice]:
        """One pass over every projection, then the policies that react to the log
        (badges); another runner's batch is left to it."""
        with self._busy:
            return self._catch_up()

    def close(self) -> None:
        """Close the views, after the pass in progress (a thread may be running one)."""
        with self._busy:
            self.store.close()

    def _catch_up(self) -> list[Notice]:
        notices: list[Notice] = []
        for name, projection in self.projections.items():
            try:
                notices += catch_up(self.app, self.store, projection, gaps=self._gaps[name])
            except PositionMoved:
                continue  # another runner applied that batch: nothing lost, nothing twice
        if self.policies:
            with contextlib.suppress(PositionMoved):
                award_due_badges(self.app, self.store)
        return notices

    def status(self) -> list[Status]:
        head = self.app.recorder.max_notification_id() or 0
        return [Status(name, self.store.position(name), head) for name in self.projections]

    def rebuild(self, name: str, on_batch: Callable[[int], None] | None = None) -> int:
        """Drop the projection's tables and position, then replay the whole log into it."""
        projection = self.projections[name]
        with self.store.transaction() as connection:
            reset(connection, name, projection.tables)
            projection.create(connection)
        self._gaps[name] = GapWatch()
        catch_up(self.app, self.store, projection, gaps=self._gaps[name], on_batch=on_batch)
        return self.store.position(name)
