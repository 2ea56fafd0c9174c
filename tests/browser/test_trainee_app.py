"""The trainee's app in Chromium at 360×640: sign in, check in, see XP and the board move;
axe-core on every screen; a screenshot of each screen kept as a test artefact."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from served import tremplin_serve

from domain.accounts import Role
from domain.ids import programme_id, trainee_id
from infra.bootstrap import build_application
from infra.credentials import hash_password
from infra.event_log import LogFilter, read_log
from infra.live_demo import CODE, add_live_cohort
from infra.settings import Settings

PASSWORD = "mot de passe du stagiaire"
TRAINEE = "stagiaire@browser.example"
SCREENS = {
    "today": "/me",
    "path": "/me/path",
    "record": "/me/record",
    "leaderboard": "/me/leaderboard",
    "wall": "/me/wall",
    "badges": "/me/badges",
    "coaching": "/me/coaching",
    "jobs": "/me/jobs",
    "profile": "/me/profile",
}
ARTEFACTS = Path(__file__).resolve().parents[2] / "var" / "test-artefacts" / "screens"
AXE = Path(__import__("axe_playwright_python").__file__).parent / "axe.min.js"


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    app = build_application(Settings(data_dir=tmp_path))
    add_live_cohort(app, date.today())
    app.open_account(TRAINEE, Role.TRAINEE, hash_password(PASSWORD), {"person_ref": "sim-live-001"})
    app.close()
    for base in tremplin_serve(tmp_path):
        yield base, tmp_path


def sign_in(page: Any, base: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#email", TRAINEE)
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/account?lang=fr")


def xp(page: Any) -> int:
    return int(re.sub(r"\D", "", page.locator("[data-live-xp]").inner_text()))


def test_check_in_moves_xp_and_the_leaderboard(chromium: Any, site: tuple[str, Path]) -> None:
    base, folder = site
    app = build_application(Settings(data_dir=folder))
    cohort = next(iter(app.load(programme_id(CODE)).cohorts))
    app.schedule_session(cohort, "atelier-cv-today", "Atelier CV", date.today(), "424242",
                         occurred_on=date.today())  # fmt: skip
    app.close()
    page = chromium.new_page()
    sign_in(page, base)
    page.goto(f"{base}/me/leaderboard")
    rank_before = page.locator("tr.me td").first.inner_text()
    page.goto(f"{base}/me")
    before = xp(page)

    page.goto(f"{base}/me/record")
    page.fill("#code", "424242")
    page.locator("form[action^='/me/check-in'] button").click()
    page.wait_for_selector("[role=status]:has-text('Présence enregistrée')")

    deadline = time.monotonic() + 15
    while True:
        page.goto(f"{base}/me")
        if xp(page) > before:
            break
        assert time.monotonic() < deadline, "XP did not move after the check-in"
        time.sleep(0.2)
    page.goto(f"{base}/me/leaderboard")
    row = page.locator("tr.me td")
    assert int(re.sub(r"\D", "", row.nth(2).inner_text())) == xp_after(page, base)
    assert int(row.first.inner_text()) <= int(rank_before)  # climbed, or kept its place
    page.close()


def xp_after(page: Any, base: str) -> int:
    current = page.url
    page.goto(f"{base}/me")
    value = xp(page)
    page.goto(current)
    return value


def test_every_screen_passes_axe_and_is_photographed(chromium: Any, site: tuple[str, Path]) -> None:
    base, _ = site
    page = chromium.new_page()
    sign_in(page, base)
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    axe = AXE.read_text()
    serious: dict[str, list[str]] = {}
    for name, path in SCREENS.items():
        page.goto(f"{base}{path}")
        page.screenshot(path=str(ARTEFACTS / f"{name}.png"), full_page=True)
        page.evaluate(axe)  # evaluated through the DevTools protocol: the page's CSP allows it
        result = page.evaluate("async () => await axe.run()")
        assert result["passes"], f"axe checked nothing on {path}"  # it really ran
        found = result["violations"]
        serious[name] = [
            f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
            for v in found
            if v["impact"] in ("serious", "critical")
        ]
    assert serious == {name: [] for name in SCREENS}
    assert sorted(p.name for p in ARTEFACTS.glob("*.png")) == sorted(f"{n}.png" for n in SCREENS)
    page.close()


def test_every_screen_reads_at_200_percent_zoom_without_sideways_scrolling(
    chromium: Any, site: tuple[str, Path]
) -> None:
    """200% zoom on a 360 px phone leaves 180 CSS pixels: nothing may need a sideways scroll
    (the menu scrolls inside itself, by design)."""
    base, _ = site
    page = chromium.new_page()
    sign_in(page, base)
    page.set_viewport_size({"width": 180, "height": 320})
    wider = {}
    for name, path in SCREENS.items():
        page.goto(f"{base}{path}")
        width = page.evaluate("() => document.documentElement.scrollWidth")
        if width > 180:
            wider[name] = width
    assert wider == {}
    page.close()


READ_OUTBOX = """() => new Promise((resolve, reject) => {
  const opening = indexedDB.open("tremplin-outbox", 1);
  opening.onupgradeneeded = () => opening.result.createObjectStore("actions", { keyPath: "id" });
  opening.onerror = () => reject(opening.error);
  opening.onsuccess = () => {
    const asked = opening.result.transaction("actions").objectStore("actions").getAll();
    asked.onsuccess = () => resolve(asked.result);
  };
})"""
SEND_AGAIN = """async (action) => {
  for (const n of [1, 2]) {
    await fetch(action.action, {method: "POST", headers: {"X-CSRFToken": action.token},
      body: new URLSearchParams({...action.fields, _csrf_token: action.token})});
  }
}"""


def modules_recorded(folder: Path, person_ref: str, module_id: str) -> int:
    app = build_application(Settings(data_dir=folder))
    try:
        return sum(
            1
            for _, _, e in read_log(app, LogFilter(types=frozenset({"ModuleCompleted"})))
            if e.originator_id == trainee_id(person_ref) and e.module_id == module_id
        )
    finally:
        app.close()


def test_an_action_recorded_offline_lands_once_even_when_replayed_twice(
    chromium: Any, site: tuple[str, Path]
) -> None:
    base, folder = site
    page = chromium.new_page()
    sign_in(page, base)
    page.goto(f"{base}/me/record")
    page.evaluate("() => navigator.serviceWorker.ready")
    chromium.set_offline(True)
    try:
        page.select_option("#module", "javascript")
        page.locator("form[action^='/me/modules'] button").click()
        page.wait_for_selector(
            "form[action^='/me/modules'] [data-outbox-status]:has-text('En attente')"
        )
        [queued] = page.evaluate(READ_OUTBOX)
        assert queued["fields"]["step_id"] == "javascript"
        assert queued["fields"]["occurred_on"] == date.today().isoformat()
        assert modules_recorded(folder, "sim-live-001", "javascript") == 0
    finally:
        chromium.set_offline(False)
    page.evaluate(SEND_AGAIN, queued)  # two more replays of the same action, by hand
    page.wait_for_selector("[data-outbox-status]:has-text('Enregistré')", timeout=15000)
    assert page.evaluate(READ_OUTBOX) == []
    assert modules_recorded(folder, "sim-live-001", "javascript") == 1
    page.close()
