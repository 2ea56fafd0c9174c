"""The job-centre feed (given events recorded by the real commands → then the view): what a
centre may follow about the people it referred, in log order, while they consent."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from givens import ENROLLED_ON, LYON, LYON_PERIOD, PARIS, PARIS_PERIOD, PROGRAMME, PROGRAMME_PERIOD

from domain.application import Tremplin
from domain.learning import CertificationScheme
from domain.programme import PathStep, StepKind, Targets
from domain.values import ConsentScope, ContractType, FollowUpStatus, LeftReason, PersonalDetails
from projections.jobcentre_feed import (
    NAME,
    PER_EVENT,
    FeedEntry,
    JobcentreFeed,
    feed_page,
    summary,
)
from projections.runner import catch_up, prepare
from projections.store import ViewStore, reset

SAINT_DENIS, NANTERRE = "93-SAINT-DENIS", "92-NANTERRE"
SHARE = ConsentScope.SHARE_WITH_JOBCENTRE
STEPS = (
    PathStep("m1", StepKind.MODULE, "HTML"),
    PathStep("m2", StepKind.MODULE, "CSS"),
    PathStep("m3", StepKind.MODULE, "JavaScript"),
    PathStep("TOSA Excel", StepKind.CERTIFICATION, "TOSA Excel"),
)
DAY = date(2017, 4, 3)


@pytest.fixture
def views(tmp_path: Path) -> Iterator[ViewStore]:
    store = ViewStore(tmp_path / "views.sqlite")
    prepare(store, JobcentreFeed())
    yield store
    store.close()


@pytest.fixture
def app(app: Tremplin) -> Tremplin:
    """Paris, a path of four steps; FT-0001 (consents) and FT-0002 (does not) referred by
    Saint-Denis, FT-0003 (consents) by Nanterre, FT-0004 by no one; all enrolled."""
    app.launch_programme(
        PROGRAMME, "ORT", ("ORT",), PROGRAMME_PERIOD, Targets(), occurred_on=date(2017, 1, 2)
    )
    app.open_cohort(PROGRAMME, PARIS, "dév web", PARIS_PERIOD, occurred_on=date(2017, 2, 1))
    app.define_path(PROGRAMME, PARIS, STEPS, occurred_on=date(2017, 2, 1))
    app.register_employer("EMP-01", "Atelier Web", None, PersonalDetails(), occurred_on=DAY)
    app.register_job_centre(SAINT_DENIS, "Saint-Denis")
    app.register_job_centre(NANTERRE, "Nanterre")
    referrals = {"FT-0001": SAINT_DENIS, "FT-0002": SAINT_DENIS, "FT-0003": NANTERRE}
    for person in ("FT-0001", "FT-0002", "FT-0003", "FT-0004"):
        app.register_trainee(person, PersonalDetails(), referrals.get(person), occurred_on=DAY)
        if person != "FT-0002":
            app.give_consent(person, SHARE, occurred_on=DAY)
        app.enrol(person, PROGRAMME, PARIS, occurred_on=ENROLLED_ON)
    return app


def test_a_consent_given_after_enrolling_announces_the_enrolment(
    app: Tremplin, views: ViewStore
) -> None:
    app.open_cohort(PROGRAMME, LYON, "réseau", LYON_PERIOD, occurred_on=date(2017, 2, 1))
    app.enrol("FT-0002", PROGRAMME, LYON, occurred_on=ENROLLED_ON)  # not consenting yet
    assert [e.person for e in follow(app, views, SAINT_DENIS)] == ["FT-0001"]
    app.give_consent("FT-0002", SHARE, occurred_on=DAY)
    entries = follow(app, views, SAINT_DENIS)
    assert [(e.person, e.kind, e.cohort) for e in entries[1:]] == [
        ("FT-0002", "enrolled", LYON),
        ("FT-0002", "enrolled", PARIS),
    ]


def follow(app: Tremplin, views: ViewStore, centre: str) -> list[FeedEntry]:
    catch_up(app, views, JobcentreFeed())
    return feed_page(views, centre, 0, 1000)


def a_full_journey(app: Tremplin, person: str) -> None:
    for module in ("m1", "m2", "m3"):
        app.complete_module(person, PARIS, module, occurred_on=DAY)
    app.record_certification(
        person, PARIS, CertificationScheme.TOSA, "TOSA Excel", 780, occurred_on=DAY
    )
    app.leave(person, PARIS, LeftReason.COMPLETED, occurred_on=date(2017, 9, 29))
    app.hire(person, "EMP-01", ContractType.CDI, date(2017, 11, 2), occurred_on=date(2017, 10, 20))
    app.record_follow_up(person, PARIS, FollowUpStatus.EMPLOYED, occurred_on=date(2018, 3, 30))


def test_a_centre_follows_the_people_it_referred_who_consent(
    app: Tremplin, views: ViewStore
) -> None:
    a_full_journey(app, "FT-0001")
    a_full_journey(app, "FT-0002")  # referred, but did not consent: nothing
    entries = follow(app, views, SAINT_DENIS)
    assert [(e.person, e.kind, e.details) for e in entries] == [
        ("FT-0001", "enrolled", {"programme": PROGRAMME}),
        ("FT-0001", "progress", {"percent": 25, "steps": 4, "steps_done": 1}),
        ("FT-0001", "progress", {"percent": 50, "steps": 4, "steps_done": 2}),
        ("FT-0001", "progress", {"percent": 75, "steps": 4, "steps_done": 3}),
        ("FT-0001", "progress", {"percent": 100, "steps": 4, "steps_done": 4}),
        ("FT-0001", "certified", {"exam": "TOSA Excel", "level": "avancé", "scheme": "tosa"}),
        ("FT-0001", "left", {"reason": "completed"}),
        ("FT-0001", "hired", {"contract": "cdi", "employer": "EMP-01", "starts_on": "2017-11-02"}),
        ("FT-0001", "six_month_outcome", {"status": "employed"}),
    ]
    ids = [e.id for e in entries]
    assert ids == sorted(set(ids))
    # The certification gave two entries, numbered within its log position.
    assert ids[5] == ids[4] + 1
    assert ids[4] % PER_EVENT == 0
    assert [e.person for e in follow(app, views, NANTERRE)] == ["FT-0003"]


def test_pages_after_a_cursor_join_up_without_gaps_or_repeats(
    app: Tremplin, views: ViewStore
) -> None:
    a_full_journey(app, "FT-0001")
    everything = follow(app, views, SAINT_DENIS)
    paged, after = [], 0
    while page := feed_page(views, SAINT_DENIS, after, 2):
        paged += page
        after = page[-1].id
    assert paged == everything
    assert feed_page(views, SAINT_DENIS, after, 2) == []


def test_a_withdrawn_consent_stops_new_entries_and_hides_the_earlier_ones(
    app: Tremplin, views: ViewStore
) -> None:
    app.complete_module("FT-0001", PARIS, "m1", occurred_on=DAY)
    before = follow(app, views, SAINT_DENIS)
    assert [e.kind for e in before] == ["enrolled", "progress"]
    app.withdraw_consent("FT-0001", SHARE, occurred_on=DAY)
    app.complete_module("FT-0001", PARIS, "m2", occurred_on=DAY)  # while withdrawn: nothing
    after = follow(app, views, SAINT_DENIS)
    hidden = [replace(e, person=None, cohort=None, details=None) for e in before]
    notice = after[-1]
    assert after[:-1] == hidden
    assert (notice.kind, notice.person, notice.details) == (
        "consent_withdrawn",
        None,
        {"forget": [e.id for e in before]},
    )


def test_a_consent_given_again_starts_afresh_and_what_was_forgotten_stays_forgotten(
    app: Tremplin, views: ViewStore
) -> None:
    app.complete_module("FT-0001", PARIS, "m1", occurred_on=DAY)
    app.withdraw_consent("FT-0001", SHARE, occurred_on=DAY)
    withdrawn = follow(app, views, SAINT_DENIS)
    # Given again: the running enrolment is announced and entries resume from the next
    # fact; the entries the centre was told to forget stay without person or details.
    app.give_consent("FT-0001", SHARE, occurred_on=DAY)
    app.complete_module("FT-0001", PARIS, "m2", occurred_on=DAY)
    again = follow(app, views, SAINT_DENIS)
    assert again[: len(withdrawn)] == withdrawn
    assert [(e.person, e.kind, e.cohort) for e in again] == [
        (None, "enrolled", None),
        (None, "progress", None),
        (None, "consent_withdrawn", None),
        ("FT-0001", "enrolled", PARIS),
        ("FT-0001", "progress", PARIS),
    ]
    assert [e.details for e in again[:2]] == [None, None]
    assert again[-1].details == {"percent": 50, "steps": 4, "steps_done": 2}
    # Withdrawn a second time, then given again: the second notice forgets everything
    # before it, and none of it comes back.
    app.withdraw_consent("FT-0001", SHARE, occurred_on=DAY)
    app.give_consent("FT-0001", SHARE, occurred_on=DAY)
    twice = follow(app, views, SAINT_DENIS)
    assert twice[-1].person == "FT-0001"
    assert twice[-2].details == {"forget": [e.id for e in again if e.kind != "consent_withdrawn"]}
    assert [(e.person, e.cohort, e.details) for e in twice[:-2]] == [
        (None, None, e.details if e.kind == "consent_withdrawn" else None) for e in again
    ]
    # The view rebuilt from the log serves exactly what the live run served.
    with views.transaction() as connection:
        reset(connection, NAME, JobcentreFeed.tables)
    prepare(views, JobcentreFeed())
    assert follow(app, views, SAINT_DENIS) == twice


def test_the_summary_hides_cells_under_five_people(app: Tremplin, views: ViewStore) -> None:
    for number in range(5, 11):  # six more people from Nanterre, all consenting
        person = f"FT-{number:04d}"
        app.register_trainee(person, PersonalDetails(), NANTERRE, occurred_on=DAY)
        app.give_consent(person, SHARE, occurred_on=DAY)
        app.enrol(person, PROGRAMME, PARIS, occurred_on=ENROLLED_ON)
    app.leave("FT-0005", PARIS, LeftReason.DROPPED_OUT, occurred_on=date(2017, 5, 2))
    follow(app, views, NANTERRE)
    (paris,) = summary(views, NANTERRE)
    assert (paris.cohort, paris.programme) == (PARIS, PROGRAMME)
    assert paris.counts == {"in_training": 6, "completed": 0, "left_early": None, "in_work": 0}
    (few,) = summary(views, SAINT_DENIS)  # one consenting person: nothing shown but zeros
    assert few.counts == {"in_training": None, "completed": 0, "left_early": 0, "in_work": 0}
