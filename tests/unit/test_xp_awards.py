"""XP awards: given events recorded by the real commands, then the gamification rows."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from givens import ENROLLED_ON, LYON, LYON_PERIOD, PARIS, PROGRAMME

from domain.application import Tremplin
from domain.learning import CertificationScheme
from domain.values import PersonalDetails
from projections.gamification import Gamification
from projections.runner import catch_up, prepare
from projections.store import ViewStore
from projections.xp_rules import RULES_VERSION, XP_RULES, Action, level_for, xp_for_level

DAY = date(2017, 3, 20)


@pytest.fixture
def store(tmp_path: Path) -> ViewStore:
    return ViewStore(tmp_path / "views.sqlite")


def awards(app: Tremplin, store: ViewStore) -> list[tuple[object, ...]]:
    projection = Gamification()
    prepare(store, projection)
    catch_up(app, store, projection)
    return [
        tuple(row)
        for row in store.query(
            "SELECT fact_key, action, cohort_id, programme_code, occurred_on, month, xp"
            " FROM xp_awards ORDER BY position"
        )
    ]


def total(store: ViewStore, person: str) -> tuple[int, int]:
    row = store.query("SELECT xp, level FROM xp_totals WHERE person_ref = ?", (person,))[0]
    return int(row[0]), int(row[1])


def test_completing_a_module_earns_its_xp_on_the_day_and_month_it_happened(
    running_app: Tremplin, store: ViewStore
) -> None:
    running_app.complete_module("FT-0001", PARIS, "HTML", 80.0, occurred_on=DAY)
    assert awards(running_app, store) == [
        ("module:FT-0001:PARIS-DEV-2017:HTML", "module_completed", PARIS, PROGRAMME,
         "2017-03-20", "2017-03", 50),
    ]  # fmt: skip
    assert store.query("SELECT DISTINCT rules_version FROM xp_awards")[0][0] == RULES_VERSION


def test_completing_the_same_module_again_never_earns_twice(
    running_app: Tremplin, store: ViewStore
) -> None:
    running_app.complete_module("FT-0001", PARIS, "HTML", 40.0, occurred_on=DAY)
    running_app.complete_module("FT-0001", PARIS, "HTML", 90.0, occurred_on=date(2017, 4, 2))
    assert [row[6] for row in awards(running_app, store)] == [50]
    assert total(store, "FT-0001") == (50, 1)


def test_resubmitting_an_assessment_or_attending_a_session_twice_earns_once(
    running_app: Tremplin, store: ViewStore
) -> None:
    running_app.submit_assessment("FT-0001", PARIS, "TMA-1", 55.0, occurred_on=DAY)
    running_app.submit_assessment("FT-0001", PARIS, "TMA-1", 75.0, occurred_on=date(2017, 4, 1))
    running_app.attend_session("FT-0001", PARIS, "S-1", occurred_on=DAY)
    running_app.attend_session("FT-0001", PARIS, "S-1", occurred_on=DAY)
    assert [(row[1], row[6]) for row in awards(running_app, store)] == [
        ("assessment_submitted", 30),
        ("session_attended", 20),
    ]


def test_a_credited_submission_and_a_failed_certification_earn_nothing(
    running_app: Tremplin, store: ViewStore
) -> None:
    running_app.submit_assessment("FT-0001", PARIS, "TMA-1", 72.0, True, occurred_on=ENROLLED_ON)
    running_app.record_certification(
        "FT-0001", PARIS, CertificationScheme.ICDL, "ICDL Documents", 60.0, occurred_on=DAY
    )
    assert awards(running_app, store) == []
    assert total(store, "FT-0001") == (0, 1)


def test_a_passed_certification_earns_once_per_exam(
    running_app: Tremplin, store: ViewStore
) -> None:
    for day in (DAY, date(2017, 5, 2)):
        running_app.record_certification(
            "FT-0001", PARIS, CertificationScheme.TOSA, "TOSA Excel", 700.0, occurred_on=day
        )
    assert [(row[0], row[6]) for row in awards(running_app, store)] == [
        ("certification:FT-0001:tosa:TOSA Excel", 150)
    ]


def test_past_the_daily_cap_a_fact_is_recorded_with_no_xp_and_the_next_day_earns_again(
    running_app: Tremplin, store: ViewStore
) -> None:
    for module in ("M1", "M2", "M3", "M4"):
        running_app.complete_module("FT-0001", PARIS, module, occurred_on=DAY)
    running_app.complete_module("FT-0001", PARIS, "M5", occurred_on=date(2017, 3, 21))
    assert [row[6] for row in awards(running_app, store)] == [50, 50, 50, 0, 50]
    assert XP_RULES[Action.MODULE_COMPLETED].daily_cap == 150
    assert total(store, "FT-0001") == (200, 2)


def test_a_game_played_on_two_days_earns_twice_but_twice_in_a_day_earns_once(
    running_app: Tremplin, store: ViewStore
) -> None:
    running_app.play_serious_game("FT-0001", PARIS, "CYBER", 900, occurred_on=DAY)
    running_app.play_serious_game("FT-0001", PARIS, "CYBER", 1200, occurred_on=DAY)
    running_app.play_serious_game("FT-0001", PARIS, "CYBER", 1500, occurred_on=date(2017, 3, 21))
    assert [row[0] for row in awards(running_app, store)] == [
        "game:FT-0001:PARIS-DEV-2017:CYBER:2017-03-20",
        "game:FT-0001:PARIS-DEV-2017:CYBER:2017-03-21",
    ]


def test_a_coaching_goal_counts_towards_the_latest_enrolment(
    running_app: Tremplin, store: ViewStore
) -> None:
    running_app.open_cohort(
        PROGRAMME, LYON, "technicien réseau", LYON_PERIOD, occurred_on=date(2017, 9, 1)
    )
    running_app.enrol("FT-0001", PROGRAMME, LYON, occurred_on=date(2017, 10, 2))
    running_app.set_goal("FT-0001", "G1", "cv", occurred_on=date(2017, 10, 3))
    running_app.achieve_goal("FT-0001", "G1", occurred_on=date(2017, 10, 20))
    assert awards(running_app, store) == [
        ("goal:FT-0001:G1", "goal_achieved", LYON, PROGRAMME, "2017-10-20", "2017-10", 40)
    ]


def test_peer_help_earns_the_helper_xp(running_app: Tremplin, store: ViewStore) -> None:
    running_app.register_trainee("FT-0002", PersonalDetails(), occurred_on=ENROLLED_ON)
    running_app.enrol("FT-0002", PROGRAMME, PARIS, occurred_on=ENROLLED_ON)
    running_app.give_peer_help("FT-0001", "FT-0002", PARIS, occurred_on=DAY)
    assert [row[:2] for row in awards(running_app, store)] == [
        ("peer-help:FT-0001:PARIS-DEV-2017:FT-0002:2017-03-20", "peer_help_given")
    ]
    assert (total(store, "FT-0001"), total(store, "FT-0002")) == ((15, 1), (0, 1))


@pytest.mark.parametrize(
    ("xp", "level"), [(0, 1), (99, 1), (100, 2), (299, 2), (300, 3), (599, 3), (1000, 5)]
)
def test_a_level_starts_at_fifty_n_times_n_minus_one_xp(xp: int, level: int) -> None:
    assert level_for(xp) == level


def test_the_level_curve_is_exact_far_up_it() -> None:
    assert [level_for(xp_for_level(n)) for n in (10, 100, 1000)] == [10, 100, 1000]
    assert [level_for(xp_for_level(n) - 1) for n in (10, 100, 1000)] == [9, 99, 999]


def test_dropping_the_tables_and_replaying_gives_identical_rows(
    running_app: Tremplin, store: ViewStore
) -> None:
    for day in (DAY, date(2017, 3, 21)):
        running_app.complete_module("FT-0001", PARIS, f"M-{day.day}", occurred_on=day)
        running_app.submit_assessment("FT-0001", PARIS, f"T-{day.day}", 60.0, occurred_on=day)
    first = awards(running_app, store), store.query("SELECT * FROM xp_totals")
    with store.transaction() as connection:
        for table in Gamification().tables:
            connection.execute(f"DROP TABLE {table}")
        connection.execute("DELETE FROM projection_positions WHERE name = 'gamification'")
    again = awards(running_app, store), store.query("SELECT * FROM xp_totals")
    assert [tuple(r) for r in again[1]] == [tuple(r) for r in first[1]] == [("FT-0001", 160, 2)]
    assert again[0] == first[0]
