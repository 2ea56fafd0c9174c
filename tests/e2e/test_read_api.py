"""The read API's contract: outcome figures, leaderboards and learner paths over HTTP."""

from __future__ import annotations

from litestar import Litestar
from litestar.testing import TestClient
from oulad_sample import OuladSample

FIGURES = {
    "enrolled",
    "completed",
    "certified",
    "left",
    "in_work_or_training_upon_leaving",
    "in_work_or_training_6m",
}


def test_outcomes_follow_the_contract_and_count_the_sample(
    client: TestClient[Litestar], oulad_sample: OuladSample
) -> None:
    report = client.get("/api/programmes/oulad/outcomes", params={"as_of": "2016-01-01"}).json()
    assert (report["programme_id"], report["as_of"]) == ("oulad", "2016-01-01")
    assert report["definitions_version"].startswith("outcomes-")
    assert set(report["figures"]) == FIGURES
    assert report["figures"]["enrolled"] | {"value": 0} == {
        "unit": "people",
        "value": 0,
        "rate": None,
        "target": None,
        "denominator": None,
    }
    assert report["figures"]["enrolled"]["value"] == oulad_sample.students
    by_cohort = report["by_cohort"]
    assert {c: by_cohort[c]["enrolled"]["value"] for c in by_cohort} == oulad_sample.enrolled
    assert {c: by_cohort[c]["completed"]["value"] for c in by_cohort} == oulad_sample.completed


def test_outcomes_of_an_unknown_programme_are_404(client: TestClient[Litestar]) -> None:
    assert client.get("/api/programmes/nowhere/outcomes").status_code == 404


def test_a_cohort_leaderboard_ranks_by_competition(client: TestClient[Litestar]) -> None:
    board = client.get(
        "/api/programmes/oulad/leaderboard", params={"cohort": "AAA-2013J", "limit": 10}
    ).json()
    ranks = [entry["rank"] for entry in board["entries"]]
    xps = [entry["xp"] for entry in board["entries"]]
    assert board["scope"] == "cohort:AAA-2013J"
    assert ranks[0] == 1
    assert xps == sorted(xps, reverse=True)
    assert all(
        rank == (previous if xp == previous_xp else index + 1)
        for index, (rank, xp, previous, previous_xp) in enumerate(
            zip(ranks[1:], xps[1:], ranks, xps, strict=False), start=1
        )
    )


def test_a_leaderboard_month_must_be_a_month(client: TestClient[Litestar]) -> None:
    response = client.get("/api/programmes/oulad/leaderboard", params={"month": "2014-13"})
    assert response.status_code == 400
    assert "month" in response.text


def test_a_leaderboard_limit_is_capped(client: TestClient[Litestar]) -> None:
    assert client.get("/api/programmes/oulad/leaderboard", params={"limit": 101}).status_code == 400


def test_a_person_path_lists_each_enrolment(
    client: TestClient[Litestar], oulad_sample: OuladSample
) -> None:
    person = oulad_sample.rows("studentInfo.csv")[0]
    cohort = f"{person['code_module']}-{person['code_presentation']}"
    paths = client.get(f"/api/people/oulad-{person['id_student']}/path").json()
    assert [p["cohort_id"] for p in paths] == [cohort]
    assert paths[0]["done"] + paths[0]["remaining"] == len(paths[0]["steps"])
    assert paths[0]["timeline"][0]["kind"] == "enrolled"


def test_the_path_of_nobody_is_404(client: TestClient[Litestar]) -> None:
    assert client.get("/api/people/oulad-0/path").status_code == 404


def test_simulated_data_is_labelled_in_the_read_api(client: TestClient[Litestar]) -> None:
    outcomes = client.get("/api/programmes/ort-france-2017/outcomes").json()
    board = client.get("/api/programmes/ort-france-2017/leaderboard").json()
    real = client.get("/api/programmes/oulad/outcomes").json()
    assert (outcomes["simulated"], board["simulated"], real["simulated"]) == (True, True, False)


def test_a_figure_links_to_the_people_and_positions_it_counts(
    client: TestClient[Litestar], oulad_sample: OuladSample
) -> None:
    params = {"as_of": "2016-01-01"}
    report = client.get("/api/programmes/oulad/outcomes", params=params).json()
    people = client.get("/api/programmes/oulad/outcomes/completed/evidence", params=params).json()
    assert len(people) == report["figures"]["completed"]["value"]
    assert all(p["person_ref"].startswith("oulad-") and p["positions"] for p in people)
    cohort = oulad_sample.cohorts[0]
    in_cohort = client.get(
        "/api/programmes/oulad/outcomes/completed/evidence", params={**params, "cohort": cohort}
    ).json()
    assert len(in_cohort) == oulad_sample.completed[cohort]


def test_evidence_of_an_unknown_figure_is_404(client: TestClient[Litestar]) -> None:
    assert client.get("/api/programmes/oulad/outcomes/happiness/evidence").status_code == 404


def test_a_known_at_beyond_the_calendar_is_400_naming_it(client: TestClient[Litestar]) -> None:
    response = client.get(
        "/api/programmes/oulad/outcomes", params={"known_at": "9999-12-31T23:59:59-12:00"}
    )
    assert (response.status_code, "known_at" in response.text) == (400, True)


def test_a_cohort_of_another_programme_is_404(client: TestClient[Litestar]) -> None:
    board = client.get(
        "/api/programmes/ort-france-2017/leaderboard", params={"cohort": "AAA-2013J"}
    )
    proof = client.get(
        "/api/programmes/ort-france-2017/outcomes/completed/evidence",
        params={"cohort": "AAA-2013J"},
    )
    assert (board.status_code, proof.status_code) == (404, 404)
    assert "AAA-2013J' is not in programme ort-france-2017" in board.text


def test_around_somebody_not_on_the_board_is_404(client: TestClient[Litestar]) -> None:
    response = client.get("/api/programmes/oulad/leaderboard", params={"around": "nobody"})
    assert response.status_code == 404
