"""The demo's cohort running today: made once, its people able to record today."""

from __future__ import annotations

from datetime import date

from givens import log_head

from domain.application import Tremplin
from infra.live_demo import add_live_cohort


def test_the_live_cohort_is_made_once_and_covers_today(app: Tremplin) -> None:
    today = app.clock()
    first = add_live_cohort(app, today)
    head = log_head(app)
    again = add_live_cohort(app, today)
    assert again == first
    assert log_head(app) == head  # nothing recorded twice
    assert first.cohort_id == f"live-{date.fromordinal(today.toordinal() - 30):%Y-%m}"
    recorded = app.complete_module(
        first.people[0], first.cohort_id, "javascript", occurred_on=today
    )
    assert recorded.recorded == 1  # today is inside the enrolment
