"""Signing in, and htmx requests carrying the CSRF token, in a real browser."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from served import tremplin_serve

from domain.accounts import ApiKeyKind, Role
from infra.bootstrap import build_application
from infra.credentials import hash_password, new_api_key
from infra.settings import Settings

PASSWORD = "mot de passe du navigateur"
ADMIN = "admin@browser.example"
TRAINER = "trainer@browser.example"


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[str, Path, str]]:
    """A server over a log with an admin, a trainer and one auditor key; (url, folder, key id)."""
    app = build_application(Settings(data_dir=tmp_path))
    hashed = hash_password(PASSWORD)
    app.open_account(ADMIN, Role.ADMIN, hashed)
    app.open_account(TRAINER, Role.TRAINER, hashed)
    key = new_api_key()
    app.issue_api_key(key.key_id, ApiKeyKind.AUDITOR, "Cour", key.secret_hash)
    app.close()
    for base in tremplin_serve(tmp_path):
        yield base, tmp_path, key.key_id


def state_of(folder: Path) -> Any:
    return build_application(Settings(data_dir=folder))


def sign_in(page: Any, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/account?lang=fr")


def test_signing_in_with_the_form_reaches_the_account_page_in_french(
    chromium: Any, site: tuple[str, Path, str]
) -> None:
    base, _, _ = site
    page = chromium.new_page()
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    sign_in(page, base, ADMIN)
    assert page.locator("h1").inner_text() == "Mon compte"
    cookies = {c["name"]: c for c in chromium.cookies(base)}
    assert cookies["tremplin_session"]["httpOnly"]
    assert cookies["tremplin_session"]["secure"]
    assert page.evaluate("typeof htmx") == "object"  # loaded under the CSP, no inline code
    assert errors == []
    page.close()


def test_hx_delete_outside_a_form_sends_the_token_and_revokes_the_key(
    chromium: Any, site: tuple[str, Path, str]
) -> None:
    base, folder, key_id = site
    page = chromium.new_page()
    sign_in(page, base, ADMIN)
    page.goto(f"{base}/admin/accounts")
    page.click(f"button[hx-delete='/admin/apikeys/{key_id}']")
    page.wait_for_function("() => document.body.innerText.includes('révoquée')")
    app = state_of(folder)
    assert app.api_key(key_id).revoked
    app.close()
    page.close()


def test_htmx_without_the_right_token_is_refused_and_changes_nothing(
    chromium: Any, site: tuple[str, Path, str]
) -> None:
    base, folder, key_id = site
    page = chromium.new_page()
    sign_in(page, base, ADMIN)
    page.goto(f"{base}/admin/accounts")
    page.evaluate("""() => document.body.setAttribute('hx-headers', '{"X-CSRFToken": "forged"}')""")
    with page.expect_response(f"{base}/admin/apikeys/{key_id}") as answer:
        page.click(f"button[hx-delete='/admin/apikeys/{key_id}']")
    assert answer.value.status == 403
    app = state_of(folder)
    assert not app.api_key(key_id).revoked
    app.close()
    page.close()


def test_hx_post_in_a_form_disables_an_account(chromium: Any, site: tuple[str, Path, str]) -> None:
    base, folder, _ = site
    page = chromium.new_page()
    sign_in(page, base, ADMIN)
    page.goto(f"{base}/admin/accounts")
    row = page.locator("tr", has_text=TRAINER)
    row.locator("button").click()
    page.wait_for_function("() => document.body.innerText.includes('désactivé')")
    app = state_of(folder)
    assert app.account(TRAINER).disabled
    app.close()
    page.close()


def test_sign_out_everywhere_with_htmx_lands_on_the_sign_in_page(
    chromium: Any, site: tuple[str, Path, str]
) -> None:
    base, _, _ = site
    page = chromium.new_page()
    sign_in(page, base, TRAINER)
    page.click("form[action^='/account/sign-out-everywhere'] button")
    page.wait_for_url(f"{base}/login?signed_out=1&lang=fr")
    assert page.locator("[role=status]").inner_text() == "Vous êtes déconnecté."
    page.goto(f"{base}/account")
    assert page.url.startswith(f"{base}/login?next=")  # the session is gone
    page.close()
