"""Real Chromium (Debian's package, driven by Playwright) against a real `tremplin serve`.

No browser is downloaded: the test set-up installs Debian's `chromium` (`.ci/run`).
Without it these tests skip with a message, except in CI, where they fail.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
VIEWPORT = {"width": 360, "height": 640}  # a cheap phone first


@pytest.fixture(scope="module")
def chromium(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """One persistent browser context per test module (a profile of its own, not incognito).

    Not per session: Playwright's sync API keeps an event loop running until it stops,
    and later tests that start their own loop (asyncio.run) would find it."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"no Chromium at {CHROMIUM}: .ci/run installs Debian's chromium package")
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium to run browser tests)")
    from playwright.sync_api import sync_playwright

    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=CHROMIUM,
            headless=True,
            viewport=VIEWPORT,
            locale="fr-FR",
            args=["--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1 , EXCLUDE localhost"],
            env={**os.environ, "XDG_CONFIG_HOME": str(profile / "config")},
        )
        yield context
        context.close()
