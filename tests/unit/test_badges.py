"""Badges: the aggregate, the command, and the policy's rules on given events."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from givens import ENROLLED_ON, PARIS, PROGRAMME, log_head, topics_after

from domain.application import Tremplin
from domain.badges import Badge, badge_aggregate_id
from domain.errors import AlreadyExists, NotFound
from domain.learning import CertificationScheme
from domain.values import PersonalDetails
from projections.badge_policy import BADGE_RULES_VERSION, BadgePolicy, award_due_badges
from projections.store import ViewStore

DAY = date(2017, 3, 20)


@pytest.fixture
def store(tmp_path: Path) -> ViewStore:
    return ViewStore(tmp_path / "views.sqlite")


def badges(app: Tremplin) -> list[tuple[str, str, str, int, date]]:
    """Every badge awarded, in log order: (person, badge, rules, evidence position, day)."""
    return [
        (e.person_ref, e.badge_id, e.rule_version, e.evidence_position, e.occurred_on)
        for n in app.recorder.select_notifications(1, 10_000)
        if isinstance(e := app.mapper.to_domain_event(n), Badge.Awarded)
    ]


def test_a_badge_is_one_aggregate_per_person_and_badge() -> None:
    badge = Badge.award("FT-0001", "first-module", "badges-1", 12, DAY)
    assert badge.id == badge_aggregate_id("FT-0001", "first-module")
    assert badge.id != badge_aggregate_id("FT-0002", "first-module")
    assert (badge.badge_id, badge.evidence_position, badge.awarded_on) == ("first-module", 12, DAY)


def test_awarding_a_badge_records_it_once(running_app: Tremplin) -> None:
    before = log_head(running_app) or 0
    result = running_app.award_badge("FT-0001", "first-module", "badges-1", 7, occurred_on=DAY)
    assert topics_after(running_app, before) == ["Badge.Awarded"]
    assert result.result == "first-module"
    with pytest.raises(AlreadyExists, match="already has the badge first-module"):
        running_app.award_badge("FT-0001", "first-module", "badges-2", 9, occurred_on=DAY)


def test_awarding_with_the_same_command_id_again_records_nothing(running_app: Tremplin) -> None:
    before = log_head(running_app) or 0
    for _ in range(2):
        again = running_app.award_badge(
            "FT-0001", "first-module", "badges-1", 7, occurred_on=DAY, command_id="badge/x"
        )
    assert again.replayed
    assert topics_after(running_app, before) == ["Badge.Awarded", "CommandRecord.Accepted"]


def test_a_badge_needs_a_registered_trainee(running_app: Tremplin) -> None:
    with pytest.raises(NotFound, match="no trainee FT-9999"):
        running_app.award_badge("FT-9999", "first-module", "badges-1", 7, occurred_on=DAY)


def test_the_first_module_completed_earns_a_badge_dated_on_that_day(
    running_app: Tremplin, store: ViewStore
) -> None:
    running_app.complete_module("FT-0001", PARIS, "HTML", occurred_on=DAY)
    evidence = log_head(running_app)
    running_app.complete_module("FT-0001", PARIS, "CSS", occurred_on=DAY + timedelta(days=1))
    assert award_due_badges(running_app, store) == 1
    assert badges(running_app) == [
        ("FT-0001", "first-module", BADGE_RULES_VERSION, evidence, DAY),
    ]


def test_five_consecutive_days_of_learning_earn_the_streak_even_recorded_out_of_order(
    running_app: Tremplin, store: ViewStore
) -> None:
    for offset in (0, 1, 3, 4):
        day = DAY + timedelta(days=offset)
        running_app.attend_session("FT-0001", PARIS, f"S-{offset}", occurred_on=day)
    assert award_due_badges(running_app, store) == 0
    running_app.play_serious_game("FT-0001", PARIS, "QUIZ", 10, occurred_on=DAY + timedelta(2))
    assert award_due_badges(running_app, store) == 1
    assert [(b[1], b[4]) for b in badges(running_app)] == [("streak-5-days", date(2017, 3, 22))]


def test_credited_results_are_not_learning_days(running_app: Tremplin, store: ViewStore) -> None:
    for offset in range(5):
        day = ENROLLED_ON + timedelta(days=offset)
        running_app.submit_assessment("FT-0001", PARIS, f"T-{offset}", 70.0, True, occurred_on=day)
    assert award_due_badges(running_app, store) == 0


def test_a_passed_certification_and_three_peers_helped_each_earn_a_badge(
    running_app: Tremplin, store: ViewStore
) -> None:
    running_app.record_certification(
        "FT-0001", PARIS, CertificationScheme.ICDL, "ICDL Tableurs", 60.0, occurred_on=DAY
    )
    for peer in ("FT-0002", "FT-0003", "FT-0004"):
        running_app.register_trainee(peer, PersonalDetails(), occurred_on=ENROLLED_ON)
        running_app.enrol(peer, PROGRAMME, PARIS, occurred_on=ENROLLED_ON)
    for peer in ("FT-0002", "FT-0002", "FT-0003"):
        running_app.give_peer_help("FT-0001", peer, PARIS, occurred_on=DAY)
    assert award_due_badges(running_app, store) == 0  # a failed exam, two different peers
    running_app.record_certification(
        "FT-0001", PARIS, CertificationScheme.ICDL, "ICDL Tableurs", 80.0, occurred_on=DAY
    )
    running_app.give_peer_help("FT-0001", "FT-0004", PARIS, occurred_on=DAY)
    assert award_due_badges(running_app, store) == 2
    assert [b[1] for b in badges(running_app)] == ["first-certification", "helped-3-peers"]


def test_running_the_policy_again_after_forgetting_its_state_records_nothing(
    running_app: Tremplin, store: ViewStore
) -> None:
    running_app.complete_module("FT-0001", PARIS, "HTML", occurred_on=DAY)
    assert award_due_badges(running_app, store) == 1
    with store.transaction() as connection:
        for table in BadgePolicy.tables:
            connection.execute(f"DELETE FROM {table}")
        connection.execute("DELETE FROM projection_positions WHERE name = 'badge-policy'")
    head = log_head(running_app)
    assert award_due_badges(running_app, store) == 0
    assert log_head(running_app) == head
