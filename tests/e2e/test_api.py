"""The JSON API: health, the catalogue of programmes, the OpenAPI schema, and live updates."""

from __future__ import annotations

import sqlite3
import time
from datetime import date
from pathlib import Path
from typing import Any

from access_givens import Cast
from litestar import Litestar
from litestar.testing import TestClient
from oulad_sample import OuladSample, ort_programme_events
from simulated_sample import SimulatedHistory

from domain.application import Tremplin
from domain.values import PersonalDetails

CATCH_UP_SECONDS = 5.0


def health(client: TestClient[Litestar]) -> dict[str, Any]:
    response = client.get("/api/health")
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def programmes(client: TestClient[Litestar]) -> dict[str, dict[str, Any]]:
    response = client.get("/api/programmes")
    assert response.status_code == 200
    return {p["code"]: p for p in response.json()}


def head_counts(programme: dict[str, Any]) -> dict[str, tuple[int, int, int]]:
    return {
        c["cohort_id"]: (c["enrolled"], c["completed"], c["left_early"])
        for c in programme["cohorts"]
    }


def badges_awarded(data_dir: Path) -> int:
    """Badges the badge policy recorded during init (simulated trainees earn some)."""
    with sqlite3.connect(data_dir / "tremplin.sqlite") as log:
        topic = "domain.badges:Badge.Awarded"
        (count,) = log.execute("SELECT COUNT(*) FROM stored_events WHERE topic = ?", (topic,))
    return int(count[0])


def test_health_says_the_catalogue_has_read_the_whole_log_after_startup(
    client: TestClient[Litestar],
    oulad_sample: OuladSample,
    simulated: SimulatedHistory,
    data_dir: Path,
    cast: Cast,
) -> None:
    badges = badges_awarded(data_dir)  # each with its command's record
    everything = (
        ort_programme_events() + oulad_sample.events + simulated.events + 2 * badges + cast.events
    )

    names = [
        "catalogue",
        "learner_paths",
        "people_access",
        "accounts",
        "outcomes",
        "gamification",
        "leaderboard",
        "coaching",
        "job_offers",
        "person_badges",
        "wall",
        "job_centres",
        "jobcentre_feed",
    ]
    assert health(client) == {
        "status": "ok",
        "log_position": everything,
        "catalogue_position": everything,
        "projections": dict.fromkeys(names, everything),
        "lag": 0,
    }


def test_the_ort_programme_comes_with_its_funders_targets_and_simulated_cohorts(
    client: TestClient[Litestar], simulated: SimulatedHistory
) -> None:
    ort = programmes(client)["ort-france-2017"]
    cohorts = ort.pop("cohorts")

    assert ort == {
        "code": "ort-france-2017",
        "name": "ORT France — compétences numériques pour l'emploi 2017–2018",
        "funders": ["Ville de Paris", "Région Île-de-France"],
        "starts_on": "2017-07-01",
        "ends_on": "2018-12-31",
        "target_trained": 1200,
        "target_rate": 0.89,
        "enrolled": simulated.enrolments,
        "simulated": True,
    }
    assert [c["cohort_id"] for c in cohorts] == simulated.cohort_ids
    assert sum(c["completed"] + c["left_early"] for c in cohorts) == simulated.enrolments
    assert simulated.enrolments >= simulated.trainees == 30


def test_only_the_programme_with_a_simulated_history_is_flagged(
    client: TestClient[Litestar],
) -> None:
    flags = {code: p["simulated"] for code, p in programmes(client).items()}
    assert flags == {"ort-france-2017": True, "oulad": False}


def test_programmes_are_listed_latest_first(client: TestClient[Litestar]) -> None:
    assert list(programmes(client)) == ["ort-france-2017", "oulad"]


def test_each_oulad_cohort_counts_who_enrolled_completed_and_left_early(
    client: TestClient[Litestar], oulad_sample: OuladSample
) -> None:
    oulad = programmes(client)["oulad"]

    assert head_counts(oulad) == {
        cohort: (
            oulad_sample.enrolled[cohort],
            oulad_sample.completed[cohort],
            oulad_sample.left_early[cohort],
        )
        for cohort in oulad_sample.cohorts
    }
    assert oulad["enrolled"] == sum(oulad_sample.enrolled.values())


def test_oulad_cohorts_are_ordered_by_start_date_then_id(
    client: TestClient[Litestar], oulad_sample: OuladSample
) -> None:
    cohorts = programmes(client)["oulad"]["cohorts"]

    assert [c["cohort_id"] for c in cohorts] == [
        "AAA-2013J", "BBB-2013J", "DDD-2013J", "EEE-2013J", "FFF-2013J", "GGG-2013J",
        "AAA-2014J", "BBB-2014J", "DDD-2014J", "EEE-2014J", "FFF-2014J", "GGG-2014J",
    ]  # fmt: skip
    assert cohorts[6] == {
        "cohort_id": "AAA-2014J",
        "track": "OU module AAA",
        "starts_on": "2014-10-01",
        "ends_on": "2015-06-27",  # courses.csv: 269 days
        "enrolled": oulad_sample.enrolled["AAA-2014J"],
        "completed": oulad_sample.completed["AAA-2014J"],
        "left_early": oulad_sample.left_early["AAA-2014J"],
    }


def test_the_openapi_schema_lists_the_api_routes(client: TestClient[Litestar]) -> None:
    assert client.get("/schema").status_code == 200
    schema = client.get("/schema/openapi.json").json()

    assert schema["info"] == {"title": "Tremplin", "version": "0.1.0"}
    assert sorted(schema["paths"]) == [
        "/api/audit/evidence.csv",
        "/api/audit/log",
        "/api/audit/pack",
        "/api/health",
        "/api/jobcentres/{code}/feed",
        "/api/jobcentres/{code}/feed/stream",
        "/api/jobcentres/{code}/summary",
        "/api/outcome-definitions",
        "/api/people/{person_id}/path",
        "/api/programmes",
        "/api/programmes/{programme_id}/leaderboard",
        "/api/programmes/{programme_id}/outcomes",
        "/api/programmes/{programme_id}/outcomes/{key}/evidence",
    ]


def test_an_enrolment_recorded_after_startup_reaches_the_catalogue(
    own_client: TestClient[Litestar], oulad_sample: OuladSample
) -> None:
    tremplin: Tremplin = own_client.app.state.tremplin
    day = date(2013, 10, 15)

    tremplin.register_trainee("e2e-newcomer", PersonalDetails(), occurred_on=day)
    enrolled = tremplin.enrol("e2e-newcomer", "oulad", "AAA-2013J", occurred_on=day)
    caught_up = wait_for_catalogue(own_client, enrolled.position)

    assert caught_up == enrolled.position
    oulad = programmes(own_client)["oulad"]
    assert head_counts(oulad)["AAA-2013J"] == (
        oulad_sample.enrolled["AAA-2013J"] + 1,
        oulad_sample.completed["AAA-2013J"],
        oulad_sample.left_early["AAA-2013J"],
    )
    assert oulad["enrolled"] == sum(oulad_sample.enrolled.values()) + 1


def wait_for_catalogue(client: TestClient[Litestar], position: int | None) -> int:
    """Poll /api/health until the catalogue has read `position`; its position then."""
    assert position is not None
    deadline = time.monotonic() + CATCH_UP_SECONDS
    while (seen := health(client)["catalogue_position"]) < position:
        assert time.monotonic() < deadline, f"catalogue stuck at {seen}, waiting for {position}"
        time.sleep(0.1)
    return int(seen)


def test_the_schema_page_loads_nothing_from_elsewhere(client: TestClient[Litestar]) -> None:
    page = client.get("/schema")
    assert page.json()["openapi"].startswith("3.")
    assert "<script" not in page.text
    assert "cdn" not in page.text


def test_the_programmes_response_is_described_in_the_schema(client: TestClient[Litestar]) -> None:
    schema = client.get("/schema/openapi.json").json()
    response = schema["paths"]["/api/programmes"]["get"]["responses"]["200"]
    items = response["content"]["application/json"]["schema"]["items"]
    assert items["$ref"].endswith("ProgrammeSummary")
    properties = schema["components"]["schemas"]["ProgrammeSummary"]["properties"]
    assert properties["funders"]["type"] == "array"
