"""Leaderboards: given events recorded by the real commands, then ranks and entries."""

from __future__ import annotations

import re
from datetime import date
from itertools import product
from pathlib import Path

import pytest
from givens import ENROLLED_ON, LYON, LYON_PERIOD, PARIS, PARIS_PERIOD, PROGRAMME, PROGRAMME_PERIOD

from domain.application import Tremplin
from domain.programme import Targets
from domain.values import ConsentScope, LeaderboardDisplay, PersonalDetails
from projections.leaderboard import (
    Entry,
    Leaderboard,
    around,
    cohort_scope,
    full_names_from_log,
    programme_scope,
    rank_of,
    top,
)
from projections.runner import catch_up, prepare
from projections.store import ViewStore

PARIS_BOARD = cohort_scope(PARIS)
MARCH, APRIL = date(2017, 3, 20), date(2017, 4, 10)
NAMES = {"A": "Awa Diop", "B": "Bilal Martin", "C": "Chloé Petit", "D": "Dan Roux"}


@pytest.fixture
def store(tmp_path: Path) -> ViewStore:
    return ViewStore(tmp_path / "views.sqlite")


@pytest.fixture
def app(app: Tremplin) -> Tremplin:
    """ORT-FR-2017 with Paris and Lyon open, and A, B, C, D enrolled in Paris."""
    app.launch_programme(
        PROGRAMME, "ORT", ("ORT",), PROGRAMME_PERIOD, Targets(), occurred_on=date(2017, 1, 2)
    )
    app.open_cohort(PROGRAMME, PARIS, "dév web", PARIS_PERIOD, occurred_on=date(2017, 2, 1))
    app.open_cohort(PROGRAMME, LYON, "réseau", LYON_PERIOD, occurred_on=date(2017, 2, 1))
    for person, name in NAMES.items():
        app.register_trainee(person, PersonalDetails(full_name=name), occurred_on=ENROLLED_ON)
        app.enrol(person, PROGRAMME, PARIS, occurred_on=ENROLLED_ON)
    return app


def earn(app: Tremplin, person: str, xp: int, day: date = MARCH) -> None:
    """Earns exactly `xp` on `day` (within the daily caps) with distinct modules (50 XP),
    assessments (30), sessions (20) and games (10), in that order."""
    modules, assessments, sessions, games = min(
        (m, a, s, g)
        for m, a, s, g in product(range(4), range(4), range(3), range(4))
        if 50 * m + 30 * a + 20 * s + 10 * g == xp
    )
    for n in range(modules):
        app.complete_module(person, PARIS, f"M-{day}-{n}", occurred_on=day)
    for n in range(assessments):
        app.submit_assessment(person, PARIS, f"T-{day}-{n}", 50.0, occurred_on=day)
    for n in range(sessions):
        app.attend_session(person, PARIS, f"S-{day}-{n}", occurred_on=day)
    for n in range(games):
        app.play_serious_game(person, PARIS, f"G-{n}", 100, occurred_on=day)


def show(app: Tremplin, person: str, display: LeaderboardDisplay, pseudonym: str = "") -> None:
    app.give_consent(
        person, ConsentScope.LEADERBOARD, display, pseudonym or None, occurred_on=APRIL
    )


def project(app: Tremplin, store: ViewStore) -> ViewStore:
    projection = Leaderboard(full_names_from_log(app))
    prepare(store, projection)
    catch_up(app, store, projection)
    return store


def ranks(entries: list[Entry]) -> list[tuple[int, int, str | None]]:
    return [(entry.rank, entry.xp, entry.person) for entry in entries]


def everyone_shown_by_name(app: Tremplin) -> None:
    for person in NAMES:
        show(app, person, LeaderboardDisplay.NAME)


def test_equal_xp_share_a_rank_and_the_next_rank_skips(app: Tremplin, store: ViewStore) -> None:
    everyone_shown_by_name(app)
    earn(app, "A", 120)
    earn(app, "B", 120)
    earn(app, "C", 100)
    entries = top(project(app, store), PARIS_BOARD, 10)
    assert ranks(entries) == [(1, 120, "A"), (1, 120, "B"), (3, 100, "C"), (4, 0, "D")]


def test_among_equals_who_reached_the_score_first_comes_first(
    app: Tremplin, store: ViewStore
) -> None:
    everyone_shown_by_name(app)
    earn(app, "C", 70)
    earn(app, "A", 70)
    earn(app, "B", 50)
    earn(app, "B", 20, APRIL)  # B reaches 70 last
    assert [e.person for e in top(project(app, store), PARIS_BOARD, 3)] == ["C", "A", "B"]


def test_every_enrolled_trainee_is_ranked_even_with_no_xp(app: Tremplin, store: ViewStore) -> None:
    everyone_shown_by_name(app)
    entries = top(project(app, store), PARIS_BOARD, 10)
    assert ranks(entries) == [(1, 0, "A"), (1, 0, "B"), (1, 0, "C"), (1, 0, "D")]
    assert [e.level for e in entries] == [1, 1, 1, 1]
    assert rank_of(store, programme_scope(PROGRAMME), "D") == 1


def test_a_month_board_counts_only_the_xp_earned_that_month(
    app: Tremplin, store: ViewStore
) -> None:
    everyone_shown_by_name(app)
    earn(app, "A", 100, MARCH)
    earn(app, "B", 40, MARCH)
    earn(app, "B", 150, APRIL)
    project(app, store)
    assert ranks(top(store, cohort_scope(PARIS, "2017-03"), 10)) == [(1, 100, "A"), (2, 40, "B")]
    assert ranks(top(store, programme_scope(PROGRAMME, "2017-04"), 10)) == [(1, 150, "B")]
    assert ranks(top(store, PARIS_BOARD, 2)) == [(1, 190, "B"), (2, 100, "A")]


def test_the_level_shown_comes_from_all_the_persons_xp(app: Tremplin, store: ViewStore) -> None:
    everyone_shown_by_name(app)
    earn(app, "A", 150, MARCH)
    earn(app, "A", 150, APRIL)
    entries = top(project(app, store), cohort_scope(PARIS, "2017-04"), 1)
    assert (entries[0].xp, entries[0].level) == (150, 3)  # 300 XP in all: level 3


def test_around_me_shows_neighbours_above_and_below_and_stops_at_the_edges(
    app: Tremplin, store: ViewStore
) -> None:
    everyone_shown_by_name(app)
    for person, xp in (("A", 200), ("B", 150), ("C", 100)):
        earn(app, person, xp)
    project(app, store)
    assert [e.person for e in around(store, PARIS_BOARD, "B", 1)] == ["A", "B", "C"]
    assert [e.person for e in around(store, PARIS_BOARD, "A", 2)] == ["A", "B", "C"]
    assert [e.person for e in around(store, PARIS_BOARD, "D", 2)] == ["B", "C", "D"]
    assert around(store, PARIS_BOARD, "nobody", 2) == []


def test_a_name_is_shown_only_to_those_who_chose_their_name(
    app: Tremplin, store: ViewStore
) -> None:
    show(app, "A", LeaderboardDisplay.NAME)
    show(app, "B", LeaderboardDisplay.PSEUDONYM, "Zébulon")
    earn(app, "A", 100)
    earn(app, "B", 70)
    earn(app, "C", 50)
    entries = top(project(app, store), PARIS_BOARD, 10)
    assert [(e.display_name, e.person) for e in entries[:2]] == [
        ("Awa Diop", "A"),
        ("Zébulon", "B"),
    ]
    assert [e.person for e in entries[2:]] == [None, None]
    assert all(re.fullmatch(r"Apprenant·e [0-9a-f]{4}", e.display_name) for e in entries[2:])
    stored = {row[0] for row in store.query("SELECT display_name FROM leaderboard_people")}
    assert {"Chloé Petit", "Dan Roux", "Bilal Martin"}.isdisjoint(stored)


def test_hidden_people_are_not_shown_but_still_count_in_others_ranks(
    app: Tremplin, store: ViewStore
) -> None:
    everyone_shown_by_name(app)
    show(app, "A", LeaderboardDisplay.HIDDEN)
    app.withdraw_consent("B", ConsentScope.LEADERBOARD, occurred_on=APRIL)
    earn(app, "A", 200)
    earn(app, "B", 150)
    earn(app, "C", 100)
    project(app, store)
    assert ranks(top(store, PARIS_BOARD, 10)) == [(3, 100, "C"), (4, 0, "D")]
    assert rank_of(store, PARIS_BOARD, "A") == 1
    assert [e.person for e in around(store, PARIS_BOARD, "B", 1)] == ["C"]


def test_changing_from_name_to_pseudonym_forgets_the_name(app: Tremplin, store: ViewStore) -> None:
    show(app, "A", LeaderboardDisplay.NAME)
    show(app, "A", LeaderboardDisplay.PSEUDONYM, "Kestrel")
    project(app, store)
    assert [e.display_name for e in top(store, PARIS_BOARD, 10) if e.person == "A"] == ["Kestrel"]
    stored = [row[0] for row in store.query("SELECT display_name FROM leaderboard_people")]
    assert "Awa Diop" not in stored


def test_the_counts_per_xp_hold_one_row_per_score_in_use(app: Tremplin, store: ViewStore) -> None:
    earn(app, "A", 100)
    earn(app, "B", 100)
    earn(app, "A", 20, APRIL)
    rows = project(app, store).query(
        "SELECT xp, people FROM leaderboard_counts WHERE scope = ? ORDER BY xp", (PARIS_BOARD,)
    )
    assert [tuple(row) for row in rows] == [(0, 2), (100, 1), (120, 1)]


def test_dropping_the_tables_and_replaying_gives_identical_rows(
    app: Tremplin, store: ViewStore
) -> None:
    show(app, "A", LeaderboardDisplay.NAME)
    show(app, "C", LeaderboardDisplay.HIDDEN)
    earn(app, "A", 120, MARCH)
    earn(app, "B", 120, APRIL)
    app.enrol("D", PROGRAMME, LYON, occurred_on=date(2017, 10, 2))
    tables = Leaderboard().tables
    project(app, store)
    before = {
        t: [tuple(r) for r in store.query(f"SELECT * FROM {t} ORDER BY 1, 2")] for t in tables
    }
    with store.transaction() as connection:
        for table in tables:
            connection.execute(f"DROP TABLE {table}")
        connection.execute("DELETE FROM projection_positions WHERE name = 'leaderboard'")
    project(app, store)
    after = {t: [tuple(r) for r in store.query(f"SELECT * FROM {t} ORDER BY 1, 2")] for t in tables}
    assert after == before
    assert len(before["leaderboard_scores"]) == 13  # cohorts 4+1, programme 4, months 2+2


def test_around_me_among_equals_follows_the_order_they_reached_the_score(
    app: Tremplin, store: ViewStore
) -> None:
    everyone_shown_by_name(app)
    for person in ("C", "A", "D", "B"):
        earn(app, person, 50)
    project(app, store)
    assert [e.person for e in around(store, PARIS_BOARD, "A", 1)] == ["C", "A", "D"]
    assert [e.person for e in around(store, PARIS_BOARD, "B", 2)] == ["A", "D", "B"]
    assert {e.rank for e in around(store, PARIS_BOARD, "B", 2)} == {1}
