"""Pages in French say it in French: the words that came from data and code (timeline texts,
badge and track names, key kinds, the figures' definitions), not only the page's own."""

from __future__ import annotations

import html
import io
import time
import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from access_givens import PASSWORD, Cast
from litestar import Litestar
from litestar.testing import TestClient
from served import serve
from web_session import signed_in

from domain.accounts import Role
from infra.bootstrap import build_application
from infra.credentials import hash_password
from infra.live_demo import add_live_cohort
from infra.settings import Settings
from projections.outcome_definitions import CURRENT

PROGRAMME = "ort-france-2017"
ASKED = {"programme": PROGRAMME, "as_of": "2018-06-30", "known_at": "2030-01-01T00:00:00+00:00"}


def text(client: TestClient[Litestar], path: str, **params: str) -> str:
    answer = client.get(path, params=params)
    assert answer.status_code == 200, answer.text
    return html.unescape(answer.text)


@pytest.fixture(scope="module")
def trainee(data_dir: Path, cast: Cast) -> Iterator[TestClient[Litestar]]:
    for client in serve(data_dir):
        yield signed_in(client, cast.emails["trainee"], PASSWORD)


@pytest.fixture(scope="module")
def auditor(data_dir: Path, cast: Cast) -> Iterator[TestClient[Litestar]]:
    for client in serve(data_dir):
        yield signed_in(client, cast.emails["auditor"], PASSWORD)


@pytest.fixture(scope="module")
def live_trainee(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient[Litestar]]:
    """sim-live-008 of the live demo cohort (developer track): two modules done, so far."""
    folder = tmp_path_factory.mktemp("live")
    app = build_application(Settings(data_dir=folder))
    add_live_cohort(app, date.today())
    app.open_account("live8@test.example", Role.TRAINEE, hash_password(PASSWORD),
                     {"person_ref": "sim-live-008"})  # fmt: skip
    app.close()
    for client in serve(folder):
        yield signed_in(client, "live8@test.example", PASSWORD)


def test_a_live_trainee_reads_the_timeline_badges_and_track_in_french(
    live_trainee: TestClient[Litestar],
) -> None:
    path = text(live_trainee, "/me/path")
    assert "Module javascript terminé, score 68" in path
    assert "Inscription dans live-" in path
    assert "(40,0 %)" in path  # 2 of the path's 5 steps
    english = text(live_trainee, "/me/path", lang="en")
    assert "Module javascript completed, score 68" in english
    assert "(40.0 %)" in english
    deadline = time.monotonic() + 10
    while "Premier module" not in (badges := text(live_trainee, "/me/badges")):
        assert time.monotonic() < deadline, badges  # the badge policy runs after the views
        time.sleep(0.05)
    assert "first-module" not in badges
    assert "First module" in text(live_trainee, "/me/badges", lang="en")
    jobs = text(live_trainee, "/me/jobs")
    assert "(développeur·se)" in jobs
    assert "(developer)" not in jobs


def test_the_timeline_and_the_progress_are_french_on_a_french_page(
    trainee: TestClient[Litestar],
) -> None:
    french, english = text(trainee, "/me/path"), text(trainee, "/me/path", lang="en")
    assert "Inscription dans " in french
    assert "Enrolled in " in english
    for word in ("Enrolled in ", " completed", "not marked", "attended", "Left "):
        assert word not in french
    assert "Inscription dans " not in english
    assert " %)" in french  # (40,0 %), not (40.0 %)
    assert ".0 %)" not in french


def test_track_names_are_french_on_the_home_page(visitor: TestClient[Litestar]) -> None:
    french, english = text(visitor, "/"), text(visitor, "/", lang="en")
    assert "<td>développeur·se</td>" in french
    assert "<td>developer</td>" not in french
    assert "<td>developer</td>" in english


def test_api_key_kinds_are_named_in_the_page_language(data_dir: Path, cast: Cast) -> None:
    for client in serve(data_dir):
        admin = signed_in(client, cast.emails["admin"], PASSWORD)
        french = text(admin, "/admin/accounts")
        assert "<td>Système d'une agence emploi</td>" in french
        assert "<td>Outil d'auditeur·rice</td>" in french
        assert "<td>jobcentre</td>" not in french
        assert "<td>auditor</td>" not in french
        english = text(admin, "/admin/accounts", lang="en")
        assert "<td>Job centre's system</td>" in english


def test_the_definitions_are_french_on_the_evidence_page_and_in_the_pack_report(
    auditor: TestClient[Litestar], cast: Cast
) -> None:
    enrolled = next(d for d in CURRENT.definitions if d.key == "enrolled")
    evidence = text(auditor, "/audit/evidence", **ASKED, key="enrolled")
    assert enrolled.numerator_fr in evidence
    assert enrolled.numerator not in evidence
    auditor.headers["authorization"] = f"Bearer {cast.auditor_key}"
    for lang in ("fr", "en"):
        answer = auditor.get("/api/audit/pack", params={**ASKED, "lang": lang})
        assert answer.status_code == 200, answer.text
        with zipfile.ZipFile(io.BytesIO(answer.content)) as pack:
            report = html.unescape(pack.read(f"{PROGRAMME}/report.html").decode())
        for d in CURRENT.definitions:
            said = (d.numerator_fr, d.window_fr) if lang == "fr" else (d.numerator, d.window)
            unsaid = (d.numerator, d.window) if lang == "fr" else (d.numerator_fr, d.window_fr)
            assert all(t in report for t in said)
            assert not any(t in report for t in unsaid)
        if lang == "fr":
            assert "<td>des faits (le jour où chaque fait a eu lieu)</td>" in report
            assert '<th class="num" title="enrolled">Inscrits</th>' in report
            assert '<th class="num" title="completed">Formés</th>' in report
        else:
            assert '<th class="num" title="completed">Trained</th>' in report
