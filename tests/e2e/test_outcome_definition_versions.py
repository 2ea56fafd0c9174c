"""Outcome definitions under version control, over HTTP: which version a report used,
the same period counted under another, and the versions themselves."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest
from litestar import Litestar
from litestar.testing import TestClient

from projections.outcome_compare import differences
from projections.outcome_definitions import VERSIONS
from projections.outcome_figures import OutcomeReport

V1, V2 = (v.version for v in VERSIONS)
SIX_MONTHS = "in_work_or_training_6m"
AFTER_EVERYTHING = "2020-01-01"  # every six-month window of both programmes has closed


def report(client: TestClient[Litestar], programme: str, **params: str) -> OutcomeReport:
    response = client.get(
        f"/api/programmes/{programme}/outcomes", params={"as_of": AFTER_EVERYTHING, **params}
    )
    assert response.status_code == 200, response.text
    return msgspec.json.decode(response.content, type=OutcomeReport)


@pytest.mark.parametrize("programme", ["oulad", "ort-france-2017"])
def test_a_past_period_under_either_version_differs_only_in_the_six_month_figure(
    client: TestClient[Litestar], programme: str
) -> None:
    current, first = report(client, programme), report(client, programme, definitions=V1)
    assert (current.definitions_version, first.definitions_version) == (V2, V1)
    moved = differences(first, current)
    assert moved, "people who left without completing should leave the six-month denominator"
    assert [d.path for d in moved if f".{SIX_MONTHS}." not in f".{d.path}."] == []
    before, after = first.figures[SIX_MONTHS], current.figures[SIX_MONTHS]
    assert after.denominator == current.figures["completed"].value < (before.denominator or 0)


def test_evidence_follows_the_version_asked(client: TestClient[Litestar]) -> None:
    url = f"/api/programmes/ort-france-2017/outcomes/{SIX_MONTHS}/evidence"
    counted: dict[str, set[str]] = {}
    for version in (V1, V2):
        people = client.get(url, params={"as_of": AFTER_EVERYTHING, "definitions": version})
        counted[version] = {p["person_ref"] for p in people.json()}
        figure = report(client, "ort-france-2017", definitions=version).figures[SIX_MONTHS]
        assert len(counted[version]) == figure.value
    assert counted[V2] < counted[V1]  # leavers in work who did not complete drop out


@pytest.mark.parametrize(
    "path", ["/api/programmes/oulad/outcomes", "/api/programmes/oulad/outcomes/left/evidence"]
)
def test_an_unknown_version_is_400_naming_the_field_and_the_known_versions(
    client: TestClient[Litestar], path: str
) -> None:
    response = client.get(path, params={"definitions": "outcomes-1999-1"})
    assert response.status_code == 400
    assert "definitions: 'outcomes-1999-1' is not a version" in response.text
    assert f"(known: {V1}, {V2})" in response.text


def test_every_version_is_listed_with_its_fingerprint_and_what_it_counts(
    client: TestClient[Litestar],
) -> None:
    listed: list[dict[str, Any]] = client.get("/api/outcome-definitions").json()
    assert [(v["version"], v["adopted_on"], v["current"]) for v in listed] == [
        (V1, "2026-12-01", False),
        (V2, "2026-12-04", True),
    ]
    assert [v["fingerprint"] for v in listed] == [v.sealed for v in VERSIONS]
    assert [v["rules"]["six_months_over"] for v in listed] == ["leavers", "trained"]
    six_months = listed[1]["definitions"][-1]
    assert six_months | {"numerator": "", "denominator": "", "window": ""} == {
        "key": SIX_MONTHS,
        "unit": "people",
        "numerator": "",
        "denominator": "",
        "window": "",
        "clock": "occurred",
        "label_fr": "Personnes formées en emploi ou en formation six mois après leur sortie.",
        "label_en": "People trained in work or training six months after leaving.",
        "target": "in_work_or_training_6m_rate",
    }
    assert six_months["denominator"].startswith("people trained ")
