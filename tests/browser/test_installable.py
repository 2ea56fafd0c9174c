"""Installable and offline in a real Chromium: the service worker controls the page, the
browser finds nothing against installing the app, and offline a page already seen comes
from the worker while a page never seen gives the offline page."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from served import tremplin_serve

from infra.bootstrap import build_application
from infra.settings import Settings

NEVER_VISITED = "/une-page-jamais-vue"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder: Path = tmp_path_factory.mktemp("installable")
    build_application(Settings(data_dir=folder)).close()
    yield from tremplin_serve(folder)


def test_the_app_installs_and_works_offline(chromium: Any, site: str) -> None:
    page = chromium.new_page()
    try:
        page.goto(f"{site}/?lang=fr")
        page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
        page.reload()  # a page loaded before the worker took over is not controlled
        assert page.evaluate("() => navigator.serviceWorker.controller !== null")
        cdp = chromium.new_cdp_session(page)
        errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
        assert {e["errorId"] for e in errors} <= {"in-incognito"}, errors
        found = cdp.send("Page.getAppManifest")
        assert found["url"] == f"{site}/manifest.webmanifest"
        assert found["errors"] == []
        icons = json.loads(found["data"])["icons"]
        assert {"512x512"} <= {i["sizes"] for i in icons if i["purpose"] == "any"}
        assert any(i["purpose"] == "maskable" for i in icons)
        home = page.locator("h1").first.inner_text()
        offline_page = httpx.get(f"{site}/offline?lang=fr").text

        chromium.set_offline(True)
        again = page.reload()
        assert again is not None
        assert again.ok
        assert again.from_service_worker
        assert page.locator("h1").first.inner_text() == home  # the page it kept
        unknown = page.goto(f"{site}{NEVER_VISITED}")
        assert unknown is not None
        assert unknown.from_service_worker
        assert page.evaluate("() => document.documentElement.lang") == "fr"
        h1 = page.locator("h1").inner_text()
        assert f"<h1>{h1}</h1>" in offline_page
    finally:
        chromium.set_offline(False)
        page.close()
