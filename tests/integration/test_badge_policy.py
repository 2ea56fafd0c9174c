"""Badges and leaderboards on real SQLite logs: badges recorded once, OULAD ranked."""

from __future__ import annotations

import time
from datetime import date, timedelta
from pathlib import Path

from eventsourcing.utils import get_topic
from log_givens import app_at

from domain.application import Tremplin
from domain.badges import Badge
from domain.programme import Targets
from domain.values import Period, PersonalDetails
from infra.settings import Settings
from projections.badge_policy import award_due_badges
from projections.gamification import Gamification
from projections.leaderboard import Leaderboard, cohort_scope, full_names_from_log, top
from projections.runner import catch_up, prepare
from projections.store import ViewStore

START = date(2017, 9, 4)


def given_a_week_of_learning(app: Tremplin) -> None:
    """p-1 completes a module a day for five days and helps three classmates."""
    period = Period(date(2017, 7, 1), date(2018, 12, 31))
    app.launch_programme("ort", "ORT", (), period, Targets(), occurred_on=date(2017, 7, 1))
    app.open_cohort("ort", "dev-1", "web", period, occurred_on=date(2017, 7, 1))
    for person in ("p-1", "p-2", "p-3", "p-4"):
        app.register_trainee(person, PersonalDetails(), occurred_on=date(2017, 8, 1))
        app.enrol(person, "ort", "dev-1", occurred_on=date(2017, 9, 1))
    for day in range(5):
        app.complete_module("p-1", "dev-1", f"M{day}", occurred_on=START + timedelta(day))
    for peer in ("p-2", "p-3", "p-4"):
        app.give_peer_help("p-1", peer, "dev-1", occurred_on=START)


def badges_recorded(app: Tremplin) -> list[tuple[str, str, date]]:
    notifications = app.recorder.select_notifications(1, 1000, topics=[get_topic(Badge.Awarded)])
    events = [app.mapper.to_domain_event(n) for n in notifications]
    return [(e.person_ref, e.badge_id, e.occurred_on) for e in events]  # type: ignore[attr-defined]


def test_the_policy_awards_each_badge_once_however_often_it_runs(tmp_path: Path) -> None:
    app = app_at(tmp_path / "log")
    given_a_week_of_learning(app)
    store = ViewStore(tmp_path / "views.sqlite")
    assert award_due_badges(app, store) == 3
    head = app.recorder.max_notification_id()
    assert award_due_badges(app, store) == 0
    assert award_due_badges(app_at(tmp_path / "log"), ViewStore(tmp_path / "fresh.sqlite")) == 0
    assert app.recorder.max_notification_id() == head
    assert badges_recorded(app) == [
        ("p-1", "first-module", START),
        ("p-1", "streak-5-days", date(2017, 9, 8)),
        ("p-1", "helped-3-peers", START),
    ]


def test_the_oulad_cohort_leaderboard_ranks_its_trainees_in_order(
    imported: tuple[Tremplin, Settings], tmp_path: Path
) -> None:
    app, _ = imported
    store = ViewStore(tmp_path / "views.sqlite")
    started = time.perf_counter()
    for projection in (Gamification(), Leaderboard(full_names_from_log(app))):
        prepare(store, projection)
        catch_up(app, store, projection)
    elapsed = time.perf_counter() - started
    print(f"gamification + leaderboard catch-up on OULAD: {elapsed:.1f} s")
    entries = top(store, cohort_scope("AAA-2013J"), 20)
    assert len(entries) == 20
    assert [e.rank for e in entries] == sorted(e.rank for e in entries)
    assert entries[0].rank == 1
    assert entries[0].xp > 0
    assert all(e.person is None for e in entries)  # nobody in OULAD gave a consent
