"""Domain errors reach HTTP clients as problems with the right status (one table, web/errors.py).

A minimal route calls the real application on a real SQLite log; the product's
write routes come with accounts and roles.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import msgspec
import pytest
from litestar import Litestar, post
from litestar.params import JSONBody
from litestar.testing import TestClient
from log_givens import given_a_cohort_and_a_person

from infra.bootstrap import build_application
from infra.settings import Settings
from web.errors import EXCEPTION_HANDLERS


class Enrolment(msgspec.Struct):
    person_ref: str
    cohort_id: str
    occurred_on: date
    command_id: str


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient[Litestar]]:
    tremplin = build_application(Settings(data_dir=tmp_path), clock=lambda: date(2019, 1, 1))
    given_a_cohort_and_a_person(tremplin)

    @post("/enrolments")
    async def enrol(data: JSONBody[Enrolment]) -> dict[str, Any]:
        result = tremplin.enrol(
            data.person_ref,
            "ort",
            data.cohort_id,
            occurred_on=data.occurred_on,
            command_id=data.command_id,
        )
        return {"replayed": result.replayed, "position": result.position}

    with TestClient(Litestar([enrol], exception_handlers=EXCEPTION_HANDLERS)) as client:
        yield client


def body(**changes: str) -> dict[str, str]:
    return {
        "person_ref": "p-1",
        "cohort_id": "dev-1",
        "occurred_on": "2017-09-01",
        "command_id": "phone-1",
        **changes,
    }


def test_a_replayed_command_returns_its_first_result(client: TestClient[Litestar]) -> None:
    first = client.post("/enrolments", json=body())
    again = client.post("/enrolments", json=body())
    assert (first.status_code, first.json()["replayed"]) == (201, False)
    assert (again.status_code, again.json()["replayed"]) == (201, True)


def test_a_reused_command_id_with_other_content_is_409(client: TestClient[Litestar]) -> None:
    client.post("/enrolments", json=body())
    conflict = client.post("/enrolments", json=body(occurred_on="2017-09-02"))
    assert conflict.status_code == 409
    assert conflict.headers["content-type"].startswith("application/problem+json")
    assert conflict.json()["type"] == "urn:tremplin:error:command-conflict"
    assert "phone-1" in conflict.json()["detail"]


def test_an_unknown_cohort_is_404(client: TestClient[Litestar]) -> None:
    response = client.post("/enrolments", json=body(cohort_id="nowhere", command_id="c-2"))
    assert (response.status_code, response.json()["title"]) == (404, "NotFound")


def test_a_date_in_the_future_is_422_naming_the_field(client: TestClient[Litestar]) -> None:
    response = client.post("/enrolments", json=body(occurred_on="2030-01-01", command_id="c-3"))
    assert response.status_code == 422
    assert (response.json()["field"], response.json()["title"]) == (
        "occurred_on",
        "OccurredInFuture",
    )
