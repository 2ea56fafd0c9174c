"""A person's badges, latest first (given badges awarded → then the view)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from givens import ENROLLED_ON, PARIS, PROGRAMME, with_an_enrolled_trainee

from domain.application import Tremplin
from domain.values import PersonalDetails
from projections.badge_policy import BADGE_RULES_VERSION, FIRST_MODULE, award_due_badges
from projections.person_badges import BadgeView, PersonBadges, badges_of
from projections.runner import catch_up, prepare
from projections.store import ViewStore


@pytest.fixture
def app(app: Tremplin) -> Tremplin:
    """FT-0001 and FT-0002 enrolled in Paris on 6 March 2017, no badge yet."""
    with_an_enrolled_trainee(app)
    app.register_trainee("FT-0002", PersonalDetails(), occurred_on=ENROLLED_ON)
    app.enrol("FT-0002", PROGRAMME, PARIS, occurred_on=ENROLLED_ON)
    return app


@pytest.fixture
def views(tmp_path: Path) -> Iterator[ViewStore]:
    store = ViewStore(tmp_path / "views.sqlite")
    prepare(store, PersonBadges())
    yield store
    store.close()


def project(app: Tremplin, views: ViewStore) -> ViewStore:
    catch_up(app, views, PersonBadges())
    return views


def test_badges_come_latest_first_with_their_rules(app: Tremplin, views: ViewStore) -> None:
    app.award_badge("FT-0001", "first-module", "badges-1", 11, occurred_on=date(2017, 3, 20))
    app.award_badge("FT-0001", "streak-5-days", "badges-2", 30, occurred_on=date(2017, 4, 2))
    app.award_badge("FT-0002", "first-module", "badges-1", 12, occurred_on=date(2017, 3, 21))
    app.award_badge("FT-0001", "first-certification", "badges-2", 25, occurred_on=date(2017, 3, 25))
    assert badges_of(project(app, views), "FT-0001") == [
        BadgeView("streak-5-days", date(2017, 4, 2), "badges-2", 30),
        BadgeView("first-certification", date(2017, 3, 25), "badges-2", 25),
        BadgeView("first-module", date(2017, 3, 20), "badges-1", 11),
    ]


def test_of_two_badges_earned_the_same_day_the_one_recorded_last_comes_first(
    app: Tremplin, views: ViewStore
) -> None:
    day = date(2017, 3, 20)
    app.award_badge("FT-0001", "first-module", "badges-1", 11, occurred_on=day)
    app.award_badge("FT-0001", "streak-5-days", "badges-1", 11, occurred_on=day)
    ids = [badge.badge_id for badge in badges_of(project(app, views), "FT-0001")]
    assert ids == ["streak-5-days", "first-module"]


def test_someone_without_badges_has_none(app: Tremplin, views: ViewStore) -> None:
    app.award_badge("FT-0001", "first-module", "badges-1", 11, occurred_on=date(2017, 3, 20))
    assert badges_of(project(app, views), "FT-0002") == []


def test_a_badge_the_policy_awards_shows_at_the_next_pass(
    app: Tremplin, views: ViewStore, tmp_path: Path
) -> None:
    app.complete_module("FT-0001", PARIS, "HTML", 80.0, occurred_on=date(2017, 3, 20))
    policy_views = ViewStore(tmp_path / "policy.sqlite")
    assert award_due_badges(app, policy_views) == 1
    policy_views.close()
    [badge] = badges_of(project(app, views), "FT-0001")
    assert (badge.badge_id, badge.awarded_on, badge.rule_version) == (
        FIRST_MODULE,
        date(2017, 3, 20),
        BADGE_RULES_VERSION,
    )
