"""Jobs for my track: open offers whose ROME code belongs to the trainee's track, with the
employer's public name and whether the trainee applied (given commands → then the view)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from givens import ENROLLED_ON, PARIS, PROGRAMME, with_an_enrolled_trainee

from domain.application import Tremplin
from domain.placement import ROME_CODE
from domain.values import ContractType, PersonalDetails
from infra.simulation_catalogue import DEFAULT_TRACK, TRACKS
from projections.job_offers import (
    OTHER_TRACK_ROME,
    TRACK_ROME,
    JobOffers,
    OfferView,
    offers_for,
)
from projections.runner import catch_up, prepare
from projections.store import ViewStore

CONTACT = PersonalDetails(full_name="Jeanne Contactée", email="jeanne@acme.example")


@pytest.fixture
def app(app: Tremplin) -> Tremplin:
    """FT-0001 and FT-0002 in Paris; Acme Web and Boussole post five offers; FT-0001 applied
    for O-DEV1; O-OLD is closed."""
    with_an_enrolled_trainee(app)
    app.register_trainee("FT-0002", PersonalDetails(), occurred_on=ENROLLED_ON)
    app.enrol("FT-0002", PROGRAMME, PARIS, occurred_on=ENROLLED_ON)
    app.register_employer("E-ACME", "Acme Web", "numérique", CONTACT, occurred_on=date(2017, 1, 5))
    app.register_employer("E-BOUSSOLE", "Boussole", None, occurred_on=date(2017, 1, 5))
    offers = (
        ("E-ACME", "O-DEV1", "Développeur junior", "M1805", date(2017, 6, 1)),
        ("E-BOUSSOLE", "O-EXPL", "Technicien d'exploitation", "M1810", date(2017, 6, 10)),
        ("E-ACME", "O-MKT", "Webmarketeur", "M1705", date(2017, 6, 5)),
        ("E-ACME", "O-OLD", "Développeur PHP", "M1805", date(2017, 5, 1)),
        ("E-BOUSSOLE", "O-RH", "Chargé de recrutement", "M1503", date(2017, 6, 12)),
    )
    for employer, offer, title, rome, day in offers:
        app.post_offer(
            employer, offer, title, rome, ("python", "sql"), ContractType.CDI, "Paris",
            occurred_on=day,
        )  # fmt: skip
    app.close_offer("O-OLD", occurred_on=date(2017, 6, 20))
    app.apply_for_offer("FT-0001", "O-DEV1", occurred_on=date(2017, 6, 3))
    return app


@pytest.fixture
def views(app: Tremplin, tmp_path: Path) -> Iterator[ViewStore]:
    store = ViewStore(tmp_path / "views.sqlite")
    prepare(store, JobOffers())
    catch_up(app, store, JobOffers())
    yield store
    store.close()


def refs(offers: list[OfferView]) -> list[tuple[str, bool]]:
    return [(offer.offer_ref, offer.applied) for offer in offers]


def test_a_developer_sees_the_open_offers_of_their_track_newest_first(views: ViewStore) -> None:
    assert refs(offers_for(views, "FT-0001", "developer")) == [
        ("O-EXPL", False),  # M1810, 10 June
        ("O-DEV1", True),  # M1805, 1 June, applied for; O-OLD is closed, O-MKT another track
    ]


def test_an_offer_shows_its_employer_s_name_and_the_offer_s_terms(views: ViewStore) -> None:
    [_, dev] = offers_for(views, "FT-0001", "developer")
    assert dev == OfferView(
        offer_ref="O-DEV1",
        title="Développeur junior",
        employer_ref="E-ACME",
        employer_name="Acme Web",
        rome_code="M1805",
        skills=("python", "sql"),
        contract=ContractType.CDI,
        place="Paris",
        posted_on=date(2017, 6, 1),
        applied=True,
    )


def test_applied_is_said_for_the_person_asked_about(views: ViewStore) -> None:
    assert refs(offers_for(views, "FT-0002", "developer")) == [
        ("O-EXPL", False),
        ("O-DEV1", False),
    ]


def test_another_track_sees_its_own_offers(views: ViewStore) -> None:
    assert refs(offers_for(views, "FT-0001", "web marketer")) == [("O-MKT", False)]


@pytest.mark.parametrize("track", ["développeur web", None])
def test_a_track_not_in_the_table_sees_digital_support_jobs(
    views: ViewStore, track: str | None
) -> None:
    assert refs(offers_for(views, "FT-0001", track)) == [("O-EXPL", False)]


def test_the_list_stops_at_the_limit(views: ViewStore) -> None:
    assert refs(offers_for(views, "FT-0001", "developer", limit=1)) == [("O-EXPL", False)]


def test_applying_through_the_app_shows_at_the_next_pass(app: Tremplin, views: ViewStore) -> None:
    app.apply_for_offer("FT-0002", "O-EXPL", occurred_on=date(2017, 6, 11))
    catch_up(app, views, JobOffers())
    assert refs(offers_for(views, "FT-0002", "developer")) == [
        ("O-EXPL", True),
        ("O-DEV1", False),
    ]


def test_an_offer_closed_later_leaves_the_list(app: Tremplin, views: ViewStore) -> None:
    app.close_offer("O-EXPL", occurred_on=date(2017, 7, 1))
    catch_up(app, views, JobOffers())
    assert refs(offers_for(views, "FT-0001", "developer")) == [("O-DEV1", True)]


def test_the_employer_s_contact_person_never_reaches_the_view(views: ViewStore) -> None:
    with sqlite3.connect(views.path) as connection:
        rows = [
            repr(row)
            for table in JobOffers.tables
            for row in connection.execute(f"SELECT * FROM {table}")
        ]
    assert len(rows) == 2 + 5 + 2 + 1  # employers, offers, people, applications
    assert not any("Jeanne" in row or "jeanne@" in row for row in rows)


def test_the_track_table_is_the_one_the_simulator_posts_offers_from() -> None:
    assert set(TRACK_ROME) == set(TRACKS)
    assert {name: track.rome_codes for name, track in TRACKS.items()} == dict(TRACK_ROME)
    assert DEFAULT_TRACK.rome_codes == OTHER_TRACK_ROME
    every_code = {code for codes in TRACK_ROME.values() for code in codes}
    assert all(ROME_CODE.match(code) for code in every_code)
    assert TRACK_ROME["developer"] == ("M1805", "M1810")
