"""A job centre's system follows its feed over HTTP: pages to the head and resumes, never
misses an entry written while it pages, sees consent withdrawn, revalidates with ETags, and
is kept to its own centre."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from access_givens import PASSWORD, Cast
from litestar import Litestar
from litestar.testing import TestClient
from served import serve
from web_session import signed_in

from domain.application import Tremplin
from domain.values import ConsentScope, PersonalDetails

SHARE = ConsentScope.SHARE_WITH_JOBCENTRE
DAY = date(2017, 10, 2)
Entry = dict[str, Any]


@pytest.fixture
def centre(own_data_dir: Path, cast: Cast) -> Iterator[TestClient[Litestar]]:
    """The centre's system, with its key, on a copy of the log it may write to."""
    for client in serve(own_data_dir):
        client.headers["authorization"] = f"Bearer {cast.jobcentre_key}"
        yield client


def page(client: TestClient[Litestar], code: str, after: int, limit: int) -> dict[str, Any]:
    answer = client.get(f"/api/jobcentres/{code}/feed", params={"after": after, "limit": limit})
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def read_all(
    client: TestClient[Litestar], code: str, after: int = 0, limit: int = 7
) -> list[Entry]:
    entries: list[Entry] = []
    while True:
        body = page(client, code, after, limit)
        entries += body["entries"]
        if not body["entries"]:
            assert body["next_cursor"] == after  # an empty page gives the cursor back
            return entries
        assert body["next_cursor"] == body["entries"][-1]["id"]
        after = body["next_cursor"]


def caught_up(client: TestClient[Litestar]) -> None:
    client.app.state.read_models.catch_up()


def consenting_people(client: TestClient[Litestar], code: str) -> set[str]:
    views = client.app.state.read_models.store
    rows = views.query(
        "SELECT person_ref FROM people_access WHERE referred_by = ? AND shares_with_jobcentre",
        (code,),
    )
    return {row["person_ref"] for row in rows}


def a_new_person(app: Tremplin, code: str, number: int) -> str:
    """Someone referred by the centre, consenting, enrolled in the ORT cohort of developers."""
    person = f"feed-{number:04d}"
    app.register_trainee(person, PersonalDetails(), code, occurred_on=DAY)
    app.give_consent(person, SHARE, occurred_on=DAY)
    app.enrol(person, "ort-france-2017", COHORT, occurred_on=DAY)
    return person


COHORT = "sim2017-developer-2017-09"


def test_a_centre_pages_to_the_head_and_resumes_after_new_events(
    centre: TestClient[Litestar], cast: Cast
) -> None:
    code = cast.jobcentre
    entries = read_all(centre, code)
    assert len(entries) > 20
    ids = [e["id"] for e in entries]
    assert ids == sorted(set(ids))
    assert {e["person"] for e in entries} <= consenting_people(centre, code)
    assert {"enrolled", "progress", "left"} <= {e["kind"] for e in entries}
    # The same feed read in pages of 500 at once.
    assert read_all(centre, code, limit=500) == entries

    app: Tremplin = centre.app.state.tremplin
    person = a_new_person(app, code, 1)
    caught_up(centre)
    new = read_all(centre, code, after=ids[-1])
    assert [(e["person"], e["kind"]) for e in new] == [(person, "enrolled")]


def test_entries_written_while_a_centre_pages_are_all_read_once(
    centre: TestClient[Litestar], cast: Cast
) -> None:
    code = cast.jobcentre
    app: Tremplin = centre.app.state.tremplin
    people: list[str] = []

    def write() -> None:
        for number in range(1, 31):
            people.append(a_new_person(app, code, number))
            time.sleep(0.005)

    writer = threading.Thread(target=write)
    writer.start()
    seen: list[Entry] = []
    after = 0
    while writer.is_alive() or page(centre, code, after, 5)["entries"]:
        body = page(centre, code, after, 5)  # the server's own follower keeps the views up
        seen += body["entries"]
        after = body["next_cursor"]
    writer.join()
    caught_up(centre)
    seen += read_all(centre, code, after=after)
    ids = [e["id"] for e in seen]
    assert len(ids) == len(set(ids))  # nothing twice
    assert seen == read_all(centre, code)  # nothing missed
    enrolled = {e["person"] for e in seen if e["kind"] == "enrolled"}
    assert set(people) <= enrolled


def test_a_consent_withdrawn_mid_feed(centre: TestClient[Litestar], cast: Cast) -> None:
    code = cast.jobcentre
    app: Tremplin = centre.app.state.tremplin
    before = read_all(centre, code)
    person = next(e["person"] for e in before if e["person"])
    theirs = [e["id"] for e in before if e["person"] == person]
    app.withdraw_consent(person, SHARE, occurred_on=DAY)
    app.enter_further_training(person, "BTS SIO", DAY, occurred_on=DAY)  # while withdrawn
    caught_up(centre)
    (notice,) = read_all(centre, code, after=before[-1]["id"])
    assert notice["kind"] == "consent_withdrawn"
    assert notice["person"] is None
    assert notice["details"] == {"forget": theirs}
    again = {e["id"]: e for e in read_all(centre, code)}
    for entry_id in theirs:
        assert (again[entry_id]["person"], again[entry_id]["details"]) == (None, None)
    assert person not in centre.get(f"/api/jobcentres/{code}/feed?limit=500").text


def test_a_consent_given_again_does_not_bring_back_what_was_forgotten(
    centre: TestClient[Litestar], cast: Cast
) -> None:
    code = cast.jobcentre
    url = f"/api/jobcentres/{code}/feed"
    app: Tremplin = centre.app.state.tremplin
    person = a_new_person(app, code, 7)
    caught_up(centre)
    (enrolled,) = [e for e in read_all(centre, code) if e["person"] == person]
    alone = {"after": enrolled["id"] - 1, "limit": 1}  # the page of that entry only
    shown = centre.get(url, params=alone)
    app.withdraw_consent(person, SHARE, occurred_on=DAY)
    caught_up(centre)
    hidden = centre.get(url, params=alone)
    assert hidden.headers["etag"] != shown.headers["etag"]  # its appearance changed
    app.give_consent(person, SHARE, occurred_on=DAY)
    caught_up(centre)
    again = centre.get(url, params=alone, headers={"if-none-match": hidden.headers["etag"]})
    assert again.status_code == 304  # still forgotten: the page has not changed
    feed = read_all(centre, code)
    by_id = {e["id"]: e for e in feed}
    assert (by_id[enrolled["id"]]["person"], by_id[enrolled["id"]]["details"]) == (None, None)
    theirs = [(e["kind"], e["cohort"]) for e in feed if e["person"] == person]
    assert theirs == [("enrolled", COHORT)]  # afresh: the running enrolment, announced again
    notice = next(e for e in feed if e["id"] > enrolled["id"] and e["kind"] == "consent_withdrawn")
    assert enrolled["id"] in notice["details"]["forget"]
    # `tremplin projections rebuild jobcentre_feed` gives the same feed as the live run.
    centre.app.state.read_models.rebuild("jobcentre_feed")
    assert read_all(centre, code) == feed


def test_an_unchanged_page_is_a_304(centre: TestClient[Litestar], cast: Cast) -> None:
    code = cast.jobcentre
    url = f"/api/jobcentres/{code}/feed"
    last = read_all(centre, code)[-1]["id"]
    first = centre.get(url, params={"after": last})
    etag = first.headers["etag"]
    assert first.json()["entries"] == []
    unchanged = centre.get(url, params={"after": last}, headers={"if-none-match": etag})
    assert (unchanged.status_code, unchanged.headers["etag"], unchanged.content) == (304, etag, b"")
    a_new_person(centre.app.state.tremplin, code, 99)
    caught_up(centre)
    changed = centre.get(url, params={"after": last}, headers={"if-none-match": etag})
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag
    assert [e["kind"] for e in changed.json()["entries"]] == ["enrolled"]


def test_a_centre_reads_its_own_feed_only(data_dir: Path, cast: Cast) -> None:
    other = "75-PARIS-13" if cast.jobcentre != "75-PARIS-13" else "75-PARIS-18"
    for client in serve(data_dir):
        url = f"/api/jobcentres/{cast.jobcentre}/feed"
        client.headers["authorization"] = "Bearer tpk_000000000000_" + "x" * 43
        assert client.get(url).status_code == 401
        client.headers["authorization"] = f"Bearer {cast.jobcentre_key}"
        assert client.get(url).status_code == 200
        refused = client.get(f"/api/jobcentres/{other}/feed")
        assert refused.status_code == 403
        assert client.get("/api/jobcentres/00-NOWHERE/feed").status_code == 403  # not its own
        assert client.get(f"/api/jobcentres/{other}/summary").status_code == 403
        for params in ({"limit": 0}, {"limit": 501}, {"after": -1}, {"after": "x"}):
            bad = client.get(url, params=params)
            assert bad.status_code == 400, params
            assert next(iter(params)) in bad.text
        del client.headers["authorization"]
        adviser = signed_in(client, cast.emails["jobcentre"], PASSWORD)
        assert adviser.get(url).status_code == 200
        assert adviser.get(f"/api/jobcentres/{other}/feed").status_code == 403
        assert adviser.get("/api/jobcentres/00-NOWHERE/feed").status_code == 403
        admin = signed_in(client, cast.emails["admin"], PASSWORD)
        assert admin.get(f"/api/jobcentres/{other}/feed").status_code == 200
        assert admin.get("/api/jobcentres/00-NOWHERE/feed").status_code == 404
        trainer = signed_in(client, cast.emails["trainer"], PASSWORD)
        assert trainer.get(url).status_code == 403


def test_the_summary_counts_consenting_people_and_hides_small_cells(
    data_dir: Path, cast: Cast
) -> None:
    for client in serve(data_dir):
        client.headers["authorization"] = f"Bearer {cast.jobcentre_key}"
        body = client.get(f"/api/jobcentres/{cast.jobcentre}/summary").json()
        views = client.app.state.read_models.store
        assert body["suppressed_below"] == 5
        assert body["name"]
        for cohort in body["cohorts"]:
            for status in ("in_training", "completed", "left_early", "in_work"):
                count = cohort[status]
                assert count is None or count == 0 or count >= 5
        expected = _counts(views.path, cast.jobcentre)
        shown = {
            (c["cohort"], s): c[s]
            for c in body["cohorts"]
            for s in ("in_training", "completed", "left_early", "in_work")
        }
        assert shown == {k: (v if v == 0 or v >= 5 else None) for k, v in expected.items()}


def _counts(views: str, code: str) -> dict[tuple[str, str], int]:
    """The same counts straight from the feed's tables (before hiding)."""
    with sqlite3.connect(views) as connection:
        rows = connection.execute(
            "SELECT e.cohort_id, e.status, count(*) FROM jobcentre_feed_enrolments e"
            " JOIN jobcentre_feed_people p ON p.trainee_id = e.trainee_id"
            " WHERE p.referred_by = ? AND p.consenting GROUP BY 1, 2",
            (code,),
        ).fetchall()
    counts: dict[tuple[str, str], int] = {}
    for cohort in {row[0] for row in rows}:
        for status in ("in_training", "completed", "left_early", "in_work"):
            counts[(cohort, status)] = 0
    for cohort, status, count in rows:
        counts[(cohort, status)] = count
    return counts


def test_if_none_match_takes_weak_tags_and_a_star(data_dir: Path, cast: Cast) -> None:
    for client in serve(data_dir):
        client.headers["authorization"] = f"Bearer {cast.jobcentre_key}"
        url = f"/api/jobcentres/{cast.jobcentre}/feed"
        etag = client.get(url).headers["etag"]
        for header in (f"W/{etag}", "*", f'"other", {etag}'):
            assert client.get(url, headers={"if-none-match": header}).status_code == 304
        assert client.get(url, headers={"if-none-match": '"other"'}).status_code == 200
