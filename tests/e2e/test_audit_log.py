"""The auditors' log browser: filters on both clocks, each event's chain link, paging that
reads every match once, and pseudonyms until a reason is recorded."""

from __future__ import annotations

import html
import json
import re
import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from access_givens import PASSWORD, Cast
from click.testing import CliRunner
from litestar import Litestar
from litestar.testing import TestClient
from served import serve
from web_session import form_token, signed_in

from domain.ids import account_id, trainee_id
from infra.cli import main
from infra.event_log import HIDDEN, LogFilter
from infra.sqlite_log import CHAIN_TABLE, link, unsalted_link

COHORT = "sim2017-developer-2017-09"
REFERENCE = re.compile(r"\b(sim-\d{4}-\d{4}|oulad-\d+)\b")


@pytest.fixture(scope="module")
def auditor(data_dir: Path, cast: Cast) -> Iterator[TestClient[Litestar]]:
    for client in serve(data_dir):
        yield signed_in(client, cast.emails["auditor"], PASSWORD)


@pytest.fixture(scope="module")
def admin(data_dir: Path, cast: Cast) -> Iterator[TestClient[Litestar]]:
    for client in serve(data_dir):
        yield signed_in(client, cast.emails["admin"], PASSWORD)


def links(data_dir: Path) -> dict[int, str]:
    with sqlite3.connect(data_dir / "tremplin.sqlite") as log:
        rows = log.execute(f"SELECT position, link FROM {CHAIN_TABLE}")
        return {position: bytes(link).hex() for position, link in rows}


def read_all(client: TestClient[Litestar], **params: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    first = 1
    while True:
        answer = client.get("/api/audit/log", params={**params, "first": first})
        assert answer.status_code == 200, answer.text
        body = answer.json()
        found += body["events"]
        if body["next"] is None:
            return found
        first = body["next"]


def test_filters_on_type_cohort_and_the_occurred_clock(
    admin: TestClient[Litestar], data_dir: Path
) -> None:
    params = {
        "type": ["ModuleCompleted", "Left"],
        "cohort": COHORT,
        "occurred_from": "2017-10-01",
        "occurred_to": "2017-11-30",
        "limit": 25,
    }
    events = read_all(admin, **params)
    assert len(events) > 25  # more than one page
    chain = links(data_dir)
    for event in events:
        assert event["type"] in ("ModuleCompleted", "Left")
        assert event["cohort_id"] == COHORT
        assert "2017-10-01" <= event["occurred_on"] <= "2017-11-30"
        assert event["hash"] == chain[event["position"]]
    positions = [e["position"] for e in events]
    assert positions == sorted(set(positions))  # in log order, each once
    # The same selection in one page.
    one = admin.get("/api/audit/log", params={**params, "limit": 500}).json()
    assert one["events"] == events


def test_filters_on_the_recorded_clock_and_positions(admin: TestClient[Litestar]) -> None:
    some = admin.get("/api/audit/log", params={"first": 100, "last": 140, "limit": 500}).json()
    events = some["events"]
    assert [e["position"] for e in events] == list(range(100, 141))
    moment = events[20]["recorded_at"]
    later = admin.get(
        "/api/audit/log",
        params={"first": 100, "last": 140, "recorded_from": moment, "limit": 500},
    ).json()["events"]
    assert later
    assert all(e["recorded_at"] >= moment for e in later)
    assert events[20] in later


def test_an_auditor_sees_pseudonyms_and_no_personal_data(
    auditor: TestClient[Litestar], cast: Cast
) -> None:
    answer = auditor.get("/api/audit/log", params={"type": "Registered", "limit": 200})
    body = answer.json()
    assert body["pseudonymised"] is True
    trainees = [e for e in body["events"] if "person_ref" in e]
    assert len(trainees) == 69  # 30 simulated, 39 from the OULAD sample
    for event in trainees:
        assert event["person_ref"].startswith("anon-")
        assert event["aggregate_id"] == event["person_ref"]  # the id would name them too
        assert event["personal"] == HIDDEN
    # Nowhere in the whole log: references, emails, ids made from them.
    everything = json.dumps(read_all(auditor, limit=500))
    found = REFERENCE.findall(everything)
    assert found == [], found[:3]
    own_account = account_id(cast.emails["trainee"])
    for clear in (
        "@test.example",
        str(trainee_id(cast.own)),
        trainee_id(cast.own).hex,
        str(own_account),
        own_account.hex,
    ):
        assert clear not in everything
    assert everything.count('"anon-') > 1000  # the people are there, disguised


def test_a_link_confirms_no_guess_of_who_an_event_is_about(
    auditor: TestClient[Litestar], data_dir: Path
) -> None:
    """Links are shown beside pseudonymised events: without the salt, an auditor could
    hash each possible reference until one gave the link. Even the right guess fails."""
    (enrolled,) = auditor.get("/api/audit/log", params={"type": "Enrolled", "limit": 1}).json()[
        "events"
    ]
    position = enrolled["position"]
    (before,) = auditor.get(
        "/api/audit/log", params={"first": position - 1, "last": position - 1}
    ).json()["events"]
    with sqlite3.connect(data_dir / "tremplin.sqlite") as log:
        originator, version, topic, state, salt = log.execute(
            "SELECT e.originator_id, e.originator_version, e.topic, e.state, c.salt"
            f" FROM stored_events e JOIN {CHAIN_TABLE} c ON c.position = e.rowid"
            " WHERE e.rowid = ?",
            (position,),
        ).fetchone()
    previous, shown = bytes.fromhex(before["hash"]), enrolled["hash"]
    # Every byte the guesser needs, right: the link still does not say so.
    guess = unsalted_link(previous, position, originator, version, topic, state)
    assert guess.hex() != shown
    # The salt, kept in the database, is what completes it.
    assert link(previous, salt, position, originator, version, topic, state).hex() == shown


def test_a_pseudonym_finds_every_event_naming_the_person(
    auditor: TestClient[Litestar], cast: Cast
) -> None:
    helped = read_all(auditor, type="PeerHelpGiven", limit=500)
    someone = helped[0]["helped_ref"]
    assert someone.startswith("anon-")
    theirs = read_all(auditor, person=someone)
    assert {e["type"] for e in theirs} >= {"Registered", "Enrolled", "PeerHelpGiven"}
    for event in theirs:
        named = {event["aggregate_id"].partition("/")[0], event.get("helped_ref")}
        assert someone in named, event
    assert any(e["aggregate_id"] != someone for e in theirs)  # a peer's help names them
    # A real reference finds nothing for someone who sees pseudonyms.
    assert read_all(auditor, person=cast.own) == []


def test_each_page_quotes_the_chain_head(admin: TestClient[Litestar], data_dir: Path) -> None:
    body = admin.get("/api/audit/log", params={"first": 1, "last": 3}).json()
    chain = links(data_dir)
    head = max(chain)
    assert body["chain_head"] == {"position": head, "link": chain[head]}
    assert [e["hash"] for e in body["events"]] == [chain[1], chain[2], chain[3]]


def test_with_a_recorded_reason_the_auditor_sees_references(own_data_dir: Path, cast: Cast) -> None:
    for client in serve(own_data_dir):
        auditor = signed_in(client, cast.emails["auditor"], PASSWORD)
        page = auditor.get("/audit/disclosure")
        recorded = auditor.post(
            "/audit/disclosure",
            data={"reason": "Contrôle Région : dossiers de la cohorte développeurs",
                  "_csrf_token": form_token(page.text)},
            follow_redirects=False,
        )  # fmt: skip
        assert recorded.status_code == 303
        answer = auditor.get("/api/audit/log", params={"type": "Registered", "limit": 200})
        assert answer.json()["pseudonymised"] is False
        assert REFERENCE.findall(answer.text)
        trainees = [e for e in answer.json()["events"] if "person_ref" in e]
        assert all(isinstance(e["personal"], dict) for e in trainees)  # as stored
        assert {e["aggregate_id"] for e in trainees} == {
            str(trainee_id(e["person_ref"])) for e in trainees
        }
        # The reason itself is in the log, under the auditor's account.
        reasons = auditor.get("/api/audit/log", params={"type": "DisclosureReasonRecorded"})
        assert "Contrôle Région" in reasons.text


def test_bad_filters_are_named(admin: TestClient[Litestar]) -> None:
    for params, field in (
        ({"occurred_from": "2017-02-30"}, "occurred_from"),
        ({"type": "Enroled"}, "Enrolled"),
        ({"first": 10, "last": 5}, "last"),
        ({"limit": 501}, "limit"),
        ({"first": "99999999999999999999999"}, "first"),
        ({"last": "99999999999999999999999"}, "last"),
        ({"recorded_from": "9999-12-31T23:59:59-05:00"}, "recorded_from"),
        (
            {"recorded_from": "2026-12-02T00:00:00", "recorded_to": "2026-12-01T00:00:00"},
            "recorded_to",
        ),
    ):
        answer = admin.get("/api/audit/log", params=params)
        assert answer.status_code == 400, params
        assert field in answer.text


def test_the_page_keeps_the_filters_in_its_next_link(auditor: TestClient[Litestar]) -> None:
    page = auditor.get(
        "/audit/log",
        params={"type": ["ModuleCompleted", "Left"], "cohort": COHORT, "lang": "en"},
    )
    assert page.status_code == 200
    assert "Identifiers pseudonymised." in page.text
    (link,) = re.findall(r'href="(/audit/log\?[^"]+)">Next page', page.text)
    kept = parse_qs(urlsplit(html.unescape(link)).query)
    assert kept["type"] == ["ModuleCompleted", "Left"]
    assert kept["cohort"] == [COHORT]
    assert int(kept["first"][0]) > 1
    assert REFERENCE.findall(page.text) == []
    french = auditor.get("/audit/log", params={"cohort": COHORT})
    assert "Parcourir le journal" in french.text


def test_a_filter_on_occurred_days_leaves_out_events_without_one() -> None:
    class Event:
        originator_id = None
        timestamp = None

    selection = LogFilter(occurred_from=date(2017, 1, 1))
    assert selection.keeps("domain.accounts:Account.Enabled", Event()) is False


def test_the_events_command_filters_on_both_clocks(data_dir: Path) -> None:
    args = ["events", "--type", "Left", "--occurred-from", "2017-11-01",
            "--occurred-to", "2017-11-30", "--recorded-from", "2000-01-01", "--json"]  # fmt: skip
    result = CliRunner().invoke(main, args, env={"TREMPLIN_DATA_DIR": str(data_dir)})
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert rows
    assert {row["type"] for row in rows} == {"Left"}
    assert all("2017-11-01" <= row["occurred_on"] <= "2017-11-30" for row in rows)
    later = CliRunner().invoke(
        main, [*args[:-3], "--recorded-from", "2999-01-01", "--json"],
        env={"TREMPLIN_DATA_DIR": str(data_dir)},
    )  # fmt: skip
    assert (later.exit_code, later.output) == (0, "")
    refused = CliRunner().invoke(
        main, ["events", "--occurred-from", "2017-02-30"], env={"TREMPLIN_DATA_DIR": str(data_dir)}
    )
    assert refused.exit_code == 2
    assert "'--occurred-from'" in refused.output
