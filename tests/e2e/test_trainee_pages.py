"""The trainee's screens over HTTP: full pages and htmx fragments, recording, replays."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from served import serve
from web_session import HTTPS, form_token, signed_in

from domain.accounts import Role
from domain.ids import programme_id
from domain.ids import trainee_id as _trainee_id
from domain.learning import ModuleCompleted
from infra.bootstrap import build_application
from infra.credentials import hash_password
from infra.event_log import LogFilter, read_log
from infra.live_demo import add_live_cohort
from infra.settings import Settings

PASSWORD = "mot de passe du stagiaire"
TRAINEE = "live1@test.example"
TRAINER = "trainer@test.example"
SCREENS = ("/me", "/me/path", "/me/record", "/me/leaderboard")


@pytest.fixture
def live_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("live")
    app = build_application(Settings(data_dir=folder))
    add_live_cohort(app, date.today())
    app.open_account(TRAINEE, Role.TRAINEE, hash_password(PASSWORD), {"person_ref": "sim-live-001"})
    app.close()
    return folder


@pytest.fixture
def trainee(live_dir: Path) -> Iterator[TestClient[Litestar]]:
    for client in serve(live_dir):
        yield signed_in(client, TRAINEE, PASSWORD)


def another_browser(client: TestClient[Litestar]) -> TestClient[Litestar]:
    return TestClient(client.app, base_url=HTTPS)


def xp_shown(html: str) -> int:
    found = re.search(r"<span data-live-xp>([\d\s\u202f,]+)</span>", html)
    assert found is not None
    return int(re.sub(r"\D", "", found.group(1)))


@pytest.mark.parametrize("path", SCREENS)
def test_each_screen_is_a_full_page_or_a_fragment_from_the_same_url(
    trainee: TestClient[Litestar], path: str
) -> None:
    full = trainee.get(path)
    fragment = trainee.get(path, headers={"hx-request": "true"})
    restore = trainee.get(
        path, headers={"hx-request": "true", "hx-history-restore-request": "true"}
    )
    assert (full.status_code, fragment.status_code, restore.status_code) == (200, 200, 200)
    for answer in (full, fragment):
        assert "HX-Request" in [v.strip() for v in answer.headers["vary"].split(",")]
    assert full.text.startswith("<!doctype html>")
    assert '<html lang="fr">' in full.text
    assert "<html" not in fragment.text
    assert 'class="tabs"' not in fragment.text
    assert restore.text.startswith("<!doctype html>")  # a history restore gets the whole page


def test_today_shows_xp_and_the_next_step(trainee: TestClient[Litestar]) -> None:
    page = trainee.get("/me").text
    assert "Aujourd" in page
    assert "HTML et CSS" in page  # sim-live-001 has done nothing yet: the first step is next
    assert xp_shown(page) >= 0


def test_a_module_recorded_twice_with_one_command_id_is_recorded_once(
    trainee: TestClient[Litestar],
) -> None:
    before = xp_shown(trainee.get("/me").text)
    token = form_token(trainee.get("/me/record").text)
    form = {"step_id": "html-css", "command_id": "phone-7f3a", "_csrf_token": token}
    first = trainee.post("/me/modules", data=form, follow_redirects=False)
    again = trainee.post("/me/modules", data=form, follow_redirects=False)  # the outbox replays
    assert (first.status_code, again.status_code) == (303, 303)
    assert "Module enregistré." in trainee.get(first.headers["location"]).text
    tremplin = trainee.app.state.tremplin
    recorded = [
        e
        for _, _, e in read_log(tremplin, LogFilter(types=frozenset({"ModuleCompleted"})))
        if isinstance(e, ModuleCompleted) and e.module_id == "html-css"
        and e.originator_id.hex == _trainee_hex("sim-live-001")
    ]  # fmt: skip
    assert len(recorded) == 1
    deadline = time.monotonic() + 10
    while (after := xp_shown(trainee.get("/me").text)) == before:
        assert time.monotonic() < deadline, "XP did not move"
        time.sleep(0.05)
    assert after > before


def test_a_wrong_check_in_code_says_so_and_records_nothing(trainee: TestClient[Litestar]) -> None:
    token = form_token(trainee.get("/me/record").text)
    head = trainee.app.state.tremplin.recorder.max_notification_id()
    as_a_form = {"accept": "text/html"}  # a browser's form; the outbox gets a plain 422
    page = trainee.post("/me/check-in", data={"code": "000000", "_csrf_token": token},
                        headers=as_a_form).text  # fmt: skip
    assert 'role="alert">Rien ne correspond : vérifiez le code ou la référence.<' in page
    replayed = trainee.post("/me/check-in", data={"code": "000000", "_csrf_token": token})
    assert (replayed.status_code, replayed.text) == (
        422,
        "Rien ne correspond : vérifiez le code ou la référence.",
    )
    assert trainee.app.state.tremplin.recorder.max_notification_id() == head


def _trainee_hex(person_ref: str) -> str:
    from domain.ids import trainee_id

    return trainee_id(person_ref).hex


def test_the_code_a_trainer_gets_checks_a_trainee_in(
    live_dir: Path, trainee: TestClient[Litestar]
) -> None:
    tremplin = trainee.app.state.tremplin
    tremplin.open_account(TRAINER, Role.TRAINER, hash_password(PASSWORD))
    trainer = another_browser(trainee)
    signed_in(trainer, TRAINER, PASSWORD)
    cohort = tremplin.load(programme_id("tremplin-live")).cohorts
    token = form_token(trainer.get("/staff/sessions").text)
    data = {"cohort_id": next(iter(cohort)), "title": "Atelier CV", "_csrf_token": token}
    shown = trainer.post("/staff/sessions", data=data).text  # followed to the page
    code = re.search(r'<p class="code">(\d{6})</p>', shown)
    assert code is not None
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in shown  # the QR code, inline
    assert "style=" not in shown

    before = xp_shown(trainee.get("/me").text)
    token = form_token(trainee.get("/me/record").text)
    done = trainee.post("/me/check-in", data={"code": code.group(1), "_csrf_token": token})
    assert 'role="status">Présence enregistrée. Vos XP arrivent !<' in done.text
    deadline = time.monotonic() + 10
    while xp_shown(trainee.get("/me").text) == before:
        assert time.monotonic() < deadline, "XP did not move after checking in"
        time.sleep(0.05)


def test_a_question_answered_helpfully_rewards_the_helper_and_staff_can_hide_it(
    live_dir: Path, trainee: TestClient[Litestar]
) -> None:
    tremplin = trainee.app.state.tremplin
    tremplin.open_account("live2@test.example", Role.TRAINEE, hash_password(PASSWORD),
                          {"person_ref": "sim-live-002"})  # fmt: skip
    tremplin.open_account(TRAINER, Role.TRAINER, hash_password(PASSWORD))
    peer = signed_in(another_browser(trainee), "live2@test.example", PASSWORD)

    token = form_token(trainee.get("/me/wall").text)
    asked = trainee.post("/me/wall", data={
        "text": "Quelqu'un a un exemple de CV ?", "kind": "question", "post_id": "q-1",
        "_csrf_token": token,
    }).text  # fmt: skip
    assert "Publié sur le mur." in asked
    token = form_token(peer.get("/me/wall").text)
    peer.post("/me/wall/q-1/replies", data={"text": "Oui, regarde le modèle du mardi.",
                                            "post_id": "r-1", "_csrf_token": token})  # fmt: skip
    peer_xp = xp_shown(peer.get("/me").text)
    wall = trainee.get("/me/wall").text
    assert "Oui, regarde le modèle du mardi." in wall
    token = form_token(wall)
    thanked = trainee.post("/me/wall/q-1/replies/r-1/helpful", data={"_csrf_token": token}).text
    assert "Merci : la personne reçoit des XP pour son aide." in thanked
    deadline = time.monotonic() + 10
    while xp_shown(peer.get("/me").text) == peer_xp:
        assert time.monotonic() < deadline, "the helper's XP did not move"
        time.sleep(0.05)

    staff = signed_in(another_browser(trainee), TRAINER, PASSWORD)
    cohort = next(iter(tremplin.load(programme_id("tremplin-live")).cohorts))
    board = staff.get("/staff/wall", params={"cohort": cohort}).text
    assert "Quelqu&#39;un a un exemple de CV ?" in board
    staff.post("/staff/wall/q-1/hide", data={"reason": "test", "_csrf_token": form_token(board)})
    deadline = time.monotonic() + 10
    while "un exemple de CV" in trainee.get("/me/wall").text:
        assert time.monotonic() < deadline, "the hidden post is still shown to trainees"
        time.sleep(0.05)
    assert "masqué" in staff.get("/staff/wall", params={"cohort": cohort}).text


def test_my_data_downloads_as_a_json_file_of_my_own_events(trainee: TestClient[Litestar]) -> None:
    response = trainee.get("/me/data")
    assert response.status_code == 200
    assert response.headers["content-disposition"].startswith(
        'attachment; filename="tremplin-sim-live-001-'
    )
    exported = response.json()
    assert exported["person_ref"] == "sim-live-001"
    types = {event["type"] for event in exported["events"]}
    assert {"Registered", "Enrolled", "ConsentGiven"} <= types
    assert "$argon2" not in response.text  # never a password hash, even one's own


def test_consents_chosen_on_the_profile_are_recorded(trainee: TestClient[Litestar]) -> None:
    page = trainee.get("/me/profile").text
    assert 'name="share_with_employers" checked' in page
    saved = trainee.post(
        "/me/consents",
        data={"leaderboard": "pseudonym", "pseudonym": "Lynx", "share_with_jobcentre": "on",
              "_csrf_token": form_token(page)},
        headers={"accept": "text/html"},
    )  # fmt: skip
    assert "Vos choix sont enregistrés." in saved.text
    consents = trainee.app.state.tremplin.load(_trainee_id("sim-live-001")).consents
    assert {scope.value: display for scope, display in consents.items()} == {
        "share_with_jobcentre": "name",
        "leaderboard": "pseudonym",
    }
