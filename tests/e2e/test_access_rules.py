"""Object-level rules: whose data each role may read, pseudonyms for auditors, API keys."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from access_givens import PASSWORD, Cast
from litestar import Litestar
from litestar.testing import TestClient
from served import serve
from web_session import form_token, signed_in

from domain.accounts import Account
from infra.event_log import LogFilter, read_log

ORT = "ort-france-2017"


@pytest.fixture
def app(data_dir: Path) -> Iterator[TestClient[Litestar]]:
    yield from serve(data_dir)


def path_status(client: TestClient[Litestar], person: str) -> int:
    return client.get(f"/api/people/{person}/path").status_code


@pytest.mark.parametrize(
    ("role", "own", "other"),
    [
        ("trainee", 200, 404),  # their own path only
        ("trainee_b", 404, 200),
        ("mentor", 200, 404),  # their caseload
        ("employer", 200, 404),  # people who agreed to be seen by employers
        ("jobcentre", 200, 404),  # people their centre referred, who agreed
        ("trainer", 200, 200),
        ("admin", 200, 200),
    ],
)
def test_whose_path_each_role_reads(
    app: TestClient[Litestar], cast: Cast, role: str, own: int, other: int
) -> None:
    signed_in(app, cast.emails[role], PASSWORD)
    assert (path_status(app, cast.own), path_status(app, cast.other)) == (own, other)


def test_a_path_refused_is_the_same_answer_as_a_path_that_does_not_exist(
    app: TestClient[Litestar], cast: Cast
) -> None:
    signed_in(app, cast.emails["trainee"], PASSWORD)
    refused = app.get(f"/api/people/{cast.other}/path")
    missing = app.get("/api/people/nobody-at-all/path")
    assert (refused.status_code, missing.status_code) == (404, 404)
    assert refused.json()["title"] == missing.json()["title"] == "NotFound"
    assert "timeline" not in refused.text


def test_an_auditor_sees_pseudonyms_until_a_reason_is_recorded(
    own_data_dir: Path, cast: Cast
) -> None:
    for app in serve(own_data_dir):
        signed_in(app, cast.emails["auditor"], PASSWORD)
        params = {"as_of": "2019-01-01"}
        evidence = f"/api/programmes/{ORT}/outcomes/completed/evidence"
        counted = [e["person_ref"] for e in app.get(evidence, params=params).json()]
        assert counted, "the simulated programme has completions"
        assert all(ref.startswith("anon-") and len(ref) == 21 for ref in counted)
        # A real reference tells an auditor nothing; its pseudonym opens the path.
        assert path_status(app, cast.own) == 404
        pseudonym = app.app.state.pseudonyms.of(cast.own)
        assert path_status(app, pseudonym) == 200

        page = app.get("/audit/disclosure")
        reason = "Contrôle Région IDF : échantillon de 20 dossiers"
        recorded = app.post(
            "/audit/disclosure",
            data={"reason": reason, "_csrf_token": form_token(page.text)},
            follow_redirects=False,
        )
        assert recorded.status_code == 303

        real = [e["person_ref"] for e in app.get(evidence, params=params).json()]
        pseudonyms = app.app.state.pseudonyms
        assert sorted(pseudonyms.of(ref) for ref in real) == sorted(counted)
        assert not any(ref.startswith("anon-") for ref in real)
        assert path_status(app, cast.own) == 200
        reasons = [
            e.reason
            for _, _, e in read_log(app.app.state.tremplin, LogFilter())
            if isinstance(e, Account.DisclosureReasonRecorded)
        ]
        assert reasons == [reason]


def test_an_auditor_key_reads_figures_by_pseudonym_and_writes_nothing(
    app: TestClient[Litestar], cast: Cast
) -> None:
    app.headers["authorization"] = f"Bearer {cast.auditor_key}"
    assert app.get(f"/api/programmes/{ORT}/outcomes").status_code == 200
    board = app.get(f"/api/programmes/{ORT}/leaderboard", params={"limit": 100}).json()
    named = [e["person"] for e in board["entries"] if e["person"] is not None]
    assert named
    assert all(person.startswith("anon-") for person in named)
    assert all(e["display_name"] == e["person"] for e in board["entries"] if e["person"])
    token = form_token(app.get("/login").text)
    refused = app.post("/audit/disclosure", data={"reason": "x" * 20, "_csrf_token": token})
    assert refused.status_code == 403


def test_a_jobcentre_key_reads_only_its_own_consenting_people(
    app: TestClient[Litestar], cast: Cast
) -> None:
    app.headers["authorization"] = f"Bearer {cast.jobcentre_key}"
    assert (path_status(app, cast.own), path_status(app, cast.other)) == (200, 404)
    assert app.get(f"/api/programmes/{ORT}/outcomes/completed/evidence").status_code == 403


def cells(report: dict[str, Any]) -> dict[tuple[str, str, str], dict[str, Any]]:
    """Every part figure of a report, by (scope, part, figure)."""
    scopes = {"by_cohort": report["by_cohort"], **report["breakdowns"]}
    return {
        (scope, part, key): figure
        for scope, groups in scopes.items()
        for part, figures in groups.items()
        for key, figure in figures.items()
    }


def test_a_jobcentre_reads_published_figures_without_small_cells(
    app: TestClient[Litestar], cast: Cast
) -> None:
    app.headers["authorization"] = f"Bearer {cast.auditor_key}"
    whole = app.get(f"/api/programmes/{ORT}/outcomes", params={"as_of": "2018-12-31"}).json()
    app.headers["authorization"] = f"Bearer {cast.jobcentre_key}"
    shown = app.get(f"/api/programmes/{ORT}/outcomes", params={"as_of": "2018-12-31"}).json()
    assert shown["figures"] == whole["figures"]  # the programme's totals, whole
    assert "job_centre" in whole["breakdowns"]
    assert "job_centre" not in shown["breakdowns"]  # its own people: the summary
    full, published = cells(whole), cells(shown)
    assert published.keys() == {k for k in full if k[0] != "job_centre"}
    withheld = [k for k, figure in published.items() if figure["value"] is None]
    assert withheld  # this small programme has small cells
    for key, figure in published.items():
        counts = [n for n in (full[key]["value"], full[key]["denominator"]) if n]
        if any(n < 5 for n in counts):
            assert figure == {"value": None, "rate": None, "denominator": None}, key
        else:
            assert figure == full[key], key


@pytest.mark.parametrize(
    "header",
    [
        "Bearer tpk_000000000000_" + "A" * 43,  # well formed, unknown
        "Bearer not-a-key",
        "Basic dXNlcjpwYXNz",
    ],
)
def test_a_wrong_key_is_401_with_a_bearer_challenge(app: TestClient[Litestar], header: str) -> None:
    response = app.get(f"/api/programmes/{ORT}/outcomes", headers={"authorization": header})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Bearer realm="tremplin"'
    assert response.json()["type"] == "urn:tremplin:error:not-signed-in"


def test_a_key_with_a_wrong_secret_is_refused(app: TestClient[Litestar], cast: Cast) -> None:
    key_id = cast.auditor_key.split("_")[1]
    forged = f"Bearer tpk_{key_id}_" + "B" * 43
    response = app.get(f"/api/programmes/{ORT}/outcomes", headers={"authorization": forged})
    assert response.status_code == 401


def test_a_revoked_key_stops_at_the_next_request_and_its_use_was_recorded(
    own_data_dir: Path, cast: Cast
) -> None:
    for app in serve(own_data_dir):
        headers = {"authorization": f"Bearer {cast.jobcentre_key}"}
        assert app.get(f"/api/people/{cast.own}/path", headers=headers).status_code == 200
        key_id = cast.jobcentre_key.split("_")[1]
        signed_in(app, cast.emails["admin"], PASSWORD)
        listed = app.get("/admin/accounts").text
        assert key_id in listed
        assert "jamais" not in listed.split(key_id, 1)[1].split("</tr>", 1)[0]
        token = form_token(listed)
        revoked = app.delete(
            f"/admin/apikeys/{key_id}", headers={"x-csrftoken": token, "hx-request": "true"}
        )
        assert (revoked.status_code, revoked.headers.get("hx-refresh")) == (200, "true")
        app.cookies.clear()
        refused = app.get(f"/api/people/{cast.own}/path", headers=headers)
        assert refused.status_code == 401


def test_an_auditors_evidence_is_in_pseudonym_order_not_in_the_order_of_references(
    app: TestClient[Litestar], cast: Cast
) -> None:
    """Listed by real reference, the pseudonyms of sequential ids would be read off by rank."""
    app.headers["authorization"] = f"Bearer {cast.auditor_key}"
    listed = app.get(f"/api/programmes/{ORT}/outcomes/enrolled/evidence").json()
    shown = [e["person_ref"] for e in listed]
    assert len(shown) == 30
    assert shown == sorted(shown)
    pseudonyms = app.app.state.pseudonyms
    by_reference = [pseudonyms.of(f"sim-2017-{n:04d}") for n in range(1, 31)]
    assert shown != by_reference


def test_a_trainee_sees_the_board_around_themself_only_and_no_one_elses_reference(
    app: TestClient[Litestar], cast: Cast
) -> None:
    signed_in(app, cast.emails["trainee"], PASSWORD)
    board = f"/api/programmes/{ORT}/leaderboard"
    mine = app.get(board, params={"around": cast.own, "limit": 100})
    assert mine.status_code == 200
    theirs = app.get(board, params={"around": cast.other})
    assert theirs.status_code == 404
    assert theirs.json()["detail"] == f"{cast.other} is not on the board programme:{ORT}"
    references = {e["person"] for e in mine.json()["entries"]} - {None}
    assert references <= {cast.own}
    everyone = app.get(board, params={"limit": 100}).json()["entries"]
    assert {e["person"] for e in everyone} - {None} <= {cast.own}


def test_staff_see_references_on_the_board(app: TestClient[Litestar], cast: Cast) -> None:
    signed_in(app, cast.emails["trainer"], PASSWORD)
    board = app.get(f"/api/programmes/{ORT}/leaderboard", params={"limit": 100}).json()
    assert any(e["person"] for e in board["entries"])


@pytest.mark.parametrize(
    ("role", "links"),
    [
        ("trainer", {"/staff/sessions", "/staff/wall"}),
        ("admin", {"/staff/sessions", "/staff/wall", "/admin/accounts", "/audit"}),
        ("auditor", {"/audit", "/audit/log", "/audit/disclosure"}),
        ("mentor", set()),
    ],
)
def test_the_account_page_leads_to_the_pages_of_the_role(
    app: TestClient[Litestar], cast: Cast, role: str, links: set[str]
) -> None:
    page = signed_in(app, cast.emails[role], PASSWORD).get("/account").text
    shown = {
        path
        for path in ("/staff/sessions", "/staff/wall", "/admin/accounts", "/audit", "/audit/log",
                     "/audit/disclosure")
        if f'href="{path}?lang=fr"' in page
    }  # fmt: skip
    assert links <= shown
    for path in shown:
        assert app.get(path).status_code == 200, path  # every link leads somewhere allowed
