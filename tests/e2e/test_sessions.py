"""Sessions, CSRF, sign-in limits and security headers, through the real pages."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from access_givens import PASSWORD, Cast
from litestar import Litestar
from litestar.middleware.csrf import generate_csrf_token
from litestar.testing import TestClient
from served import serve
from web_session import HTTPS, form_token, htmx_token, sign_in, signed_in

from web.security_headers import CONTENT_SECURITY_POLICY
from web.sessions import COOKIE

ALERT = re.compile(r'role="alert"[^>]*>([^<]*)<')


@pytest.fixture
def app(own_data_dir: Path) -> Iterator[TestClient[Litestar]]:
    """On a copy of the log: these tests sign out everywhere and disable accounts."""
    yield from serve(own_data_dir)


def another_browser(app: TestClient[Litestar]) -> TestClient[Litestar]:
    """A second browser on the same running app (its own cookies; the app runs once)."""
    return TestClient(app.app, base_url=HTTPS)


def set_cookie(response: object, name: str) -> str:
    headers = response.headers.get_list("set-cookie")  # type: ignore[attr-defined]
    return next(h for h in headers if h.startswith(f"{name}="))


def alert(page: str) -> str:
    found = ALERT.search(page)
    assert found is not None, "no alert in the page"
    return html.unescape(found.group(1))


def test_the_session_cookie_is_secure_httponly_and_samesite(
    app: TestClient[Litestar], cast: Cast
) -> None:
    cookie = set_cookie(sign_in(app, cast.emails["trainee"], PASSWORD), COOKIE)
    flags = {part.strip().lower() for part in cookie.split(";")[1:]}
    assert {"secure", "httponly", "samesite=lax", "path=/", "max-age=7200"} <= flags


def test_a_session_id_planted_before_sign_in_is_worthless_after(
    app: TestClient[Litestar], cast: Cast
) -> None:
    planted = "a" * 64
    token = form_token(app.get("/login").text)
    app.cookies.set(COOKIE, planted, domain="testserver.local")  # set by a subdomain, say
    response = app.post(
        "/login",
        data={"email": cast.emails["trainee"], "password": PASSWORD, "_csrf_token": token},
        follow_redirects=False,
    )
    issued = set_cookie(response, COOKIE).split(";")[0].split("=", 1)[1]
    assert response.status_code == 303
    assert issued != planted
    # The attacker's browser, holding the planted id, is not signed in.
    attacker = another_browser(app)
    attacker.cookies.set(COOKIE, planted, domain="testserver.local")
    assert attacker.get("/account").status_code == 401


def test_signing_in_again_gives_a_new_id_and_ends_the_old_one(
    app: TestClient[Litestar], cast: Cast
) -> None:
    signed_in(app, cast.emails["trainee"], PASSWORD)
    first = app.cookies[COOKIE]
    signed_in(app, cast.emails["trainee"], PASSWORD)
    assert app.cookies[COOKIE] != first
    old = another_browser(app)
    old.cookies.set(COOKIE, first, domain="testserver.local")
    assert old.get("/account").status_code == 401


def test_sign_out_ends_the_session_and_leaves_no_session_behind(
    app: TestClient[Litestar], cast: Cast, own_data_dir: Path
) -> None:
    signed_in(app, cast.emails["trainee"], PASSWORD)
    sessions = own_data_dir / "stores" / "sessions"
    assert len(list(sessions.iterdir())) == 1
    token = form_token(app.get("/account").text)
    out = app.post("/logout", data={"_csrf_token": token}, follow_redirects=False)
    assert (out.status_code, out.headers["location"]) == (303, "/login?signed_out=1&lang=fr")
    assert app.get("/account").status_code == 401
    assert list(sessions.iterdir()) == []


def test_pages_for_visitors_store_no_session(app: TestClient[Litestar], own_data_dir: Path) -> None:
    for path in ("/", "/login", "/static/app.css", "/api/programmes"):
        assert COOKIE not in " ".join(app.get(path).headers.get_list("set-cookie"))
    assert not (own_data_dir / "stores" / "sessions").exists() or not list(
        (own_data_dir / "stores" / "sessions").iterdir()
    )


def test_sign_out_everywhere_ends_the_sessions_on_other_devices(
    app: TestClient[Litestar], cast: Cast
) -> None:
    email = cast.emails["mentor"]
    signed_in(app, email, PASSWORD)
    phone = signed_in(another_browser(app), email, PASSWORD)
    page = phone.get("/account").text
    # As htmx sends it: hx-post, the token from <body hx-headers>, no form field.
    out = phone.post(
        "/account/sign-out-everywhere",
        headers={"hx-request": "true", "x-csrftoken": htmx_token(page)},
    )
    assert (out.status_code, out.headers["hx-redirect"]) == (204, "/login?signed_out=1&lang=fr")
    assert phone.get("/account").status_code == 401
    assert app.get("/account").status_code == 401  # the laptop too
    signed_in(app, email, PASSWORD)  # and signing in again works
    assert app.get("/account").status_code == 200


def test_a_disabled_account_stops_at_once_and_cannot_sign_in(
    app: TestClient[Litestar], cast: Cast
) -> None:
    signed_in(app, cast.emails["employer"], PASSWORD)
    app.app.state.tremplin.disable_account(cast.emails["employer"], "left the programme")
    assert app.get("/account").status_code == 401
    refused = sign_in(app, cast.emails["employer"], PASSWORD)
    assert refused.status_code == 401
    assert alert(refused.text) == "Adresse e-mail ou mot de passe incorrect."


def test_a_form_without_its_csrf_token_is_refused_in_words(
    app: TestClient[Litestar], cast: Cast
) -> None:
    signed_in(app, cast.emails["admin"], PASSWORD)
    data = {"email": "new@test.example", "role": "trainer"}
    refused = app.post("/admin/accounts", data=data, headers={"accept": "text/html"})
    assert refused.status_code == 403
    assert alert(refused.text) == (
        "Ce formulaire a expiré ou ne vient pas de Tremplin. Rechargez la page et réessayez."
    )
    english = app.post("/admin/accounts?lang=en", data=data, headers={"accept": "text/html"})
    assert alert(english.text).startswith("This form has expired")
    assert app.app.state.tremplin.account("new@test.example") is None

    token = form_token(app.get("/admin/accounts").text)
    created = app.post("/admin/accounts", data={**data, "_csrf_token": token})
    assert created.status_code == 200
    assert app.app.state.tremplin.account("new@test.example") is not None


def test_htmx_requests_carry_the_token_in_a_header_forms_or_not(
    app: TestClient[Litestar], cast: Cast
) -> None:
    signed_in(app, cast.emails["admin"], PASSWORD)
    page = app.get("/admin/accounts").text
    key_id = cast.auditor_key.split("_")[1]
    assert f'hx-delete="/admin/apikeys/{key_id}"' in page  # a button outside any form
    bare = app.delete(f"/admin/apikeys/{key_id}", headers={"hx-request": "true"})
    assert bare.status_code == 403
    assert "Ce formulaire a expiré" in alert(bare.text)  # htmx gets the page's words
    with_token = app.delete(
        f"/admin/apikeys/{key_id}",
        headers={"hx-request": "true", "x-csrftoken": htmx_token(page)},
    )
    assert with_token.status_code == 200
    assert app.app.state.tremplin.api_key(key_id).revoked


def test_the_token_rotates_at_sign_in_and_the_next_page_carries_the_new_one(
    app: TestClient[Litestar], cast: Cast
) -> None:
    before = form_token(app.get("/login").text)
    signed_in(app, cast.emails["admin"], PASSWORD)
    page = app.get("/admin/accounts").text
    after = htmx_token(page)
    assert after != before
    assert form_token(page) == after
    data = {"email": "late@test.example", "role": "trainer", "_csrf_token": before}
    assert app.post("/admin/accounts", data=data).status_code == 403
    data["_csrf_token"] = after
    assert app.post("/admin/accounts", data=data).status_code == 200


def test_sign_in_is_limited_per_account_without_saying_whether_it_exists(
    app: TestClient[Litestar], cast: Cast
) -> None:
    unknown = sign_in(app, "nobody@test.example", "wrong password 123")
    wrong = sign_in(app, cast.emails["trainer"], "wrong password 123")
    assert (unknown.status_code, wrong.status_code) == (401, 401)
    assert alert(unknown.text) == alert(wrong.text)
    for _ in range(4):  # five failures in all for this account
        assert sign_in(app, cast.emails["trainer"], "wrong password 123").status_code == 401
    blocked = sign_in(app, cast.emails["trainer"], PASSWORD)  # even the right password
    assert blocked.status_code == 429
    assert 0 < int(blocked.headers["retry-after"]) <= 900
    assert alert(blocked.text) == "Trop de tentatives de connexion. Réessayez dans 15 min."
    assert sign_in(app, cast.emails["mentor"], PASSWORD).status_code == 303  # others unaffected


def test_every_page_carries_the_security_headers_and_no_inline_code(
    app: TestClient[Litestar], cast: Cast
) -> None:
    signed_in(app, cast.emails["admin"], PASSWORD)
    for path in ("/", "/login", "/account", "/admin/accounts", "/api/health", "/nowhere"):
        response = app.get(path)
        assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "same-origin"
        if response.headers["content-type"].startswith("text/html"):
            html = response.text
            assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == [], path
            assert re.findall(r"\sstyle=|\son[a-z]+=", html) == [], path
    assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY


def test_a_csrf_cookie_signed_with_another_key_is_replaced_by_the_next_page(
    app: TestClient[Litestar], cast: Cast
) -> None:
    """Another Tremplin on the same host (cookies ignore ports), or a new secret.key."""
    stale = generate_csrf_token(secret="another installation's secret")
    app.cookies.set("tremplin_csrf", stale, domain="testserver.local")
    page = app.get("/login")
    fresh = form_token(page.text)
    assert fresh != stale
    assert set_cookie(page, "tremplin_csrf").startswith(f"tremplin_csrf={fresh};")
    assert sign_in(app, cast.emails["trainee"], PASSWORD).status_code == 303


def test_pages_with_personal_data_are_not_kept_by_the_browser(
    app: TestClient[Litestar], cast: Cast
) -> None:
    signed_in(app, cast.emails["trainee"], PASSWORD)
    for path in ("/account", f"/api/people/{cast.own}/path", "/login", "/"):
        assert app.get(path).headers["cache-control"] == "no-store", path
    assert "no-store" not in app.get("/static/app.css").headers.get("cache-control", "")


def test_signing_out_deletes_the_cookie_at_once(app: TestClient[Litestar], cast: Cast) -> None:
    signed_in(app, cast.emails["trainee"], PASSWORD)
    token = form_token(app.get("/account").text)
    out = app.post("/logout", data={"_csrf_token": token}, follow_redirects=False)
    cookie = set_cookie(out, COOKIE).lower()
    assert "max-age=0" in cookie
    assert cookie.startswith(f'{COOKIE}="";')


@pytest.mark.parametrize(
    "headers",
    [{"sec-fetch-site": "cross-site"}, {"origin": "https://evil.example"}, {"origin": "null"}],
)
def test_a_write_from_another_site_is_refused_even_with_a_token(
    app: TestClient[Litestar], cast: Cast, headers: dict[str, str]
) -> None:
    signed_in(app, cast.emails["mentor"], PASSWORD)
    token = form_token(app.get("/account").text)
    refused = app.post("/account/sign-out-everywhere", data={"_csrf_token": token}, headers=headers)
    assert refused.status_code == 403
    assert app.get("/account").status_code == 200  # still signed in: nothing happened
    same_site = {"sec-fetch-site": "same-origin", "origin": HTTPS}
    allowed = app.post(
        "/account/sign-out-everywhere",
        data={"_csrf_token": token},
        headers=same_site,
        follow_redirects=False,
    )
    assert allowed.status_code == 303


def test_a_key_that_tries_to_write_is_told_keys_only_read(
    app: TestClient[Litestar], cast: Cast
) -> None:
    refused = app.post("/logout", headers={"authorization": f"Bearer {cast.auditor_key}"})
    assert refused.status_code == 403
    assert refused.json()["detail"] == "this API key only reads"


def test_a_new_account_is_shown_once_after_a_redirect(
    app: TestClient[Litestar], cast: Cast
) -> None:
    signed_in(app, cast.emails["admin"], PASSWORD)
    token = form_token(app.get("/admin/accounts").text)
    data = {"email": "prg@test.example", "role": "trainer", "_csrf_token": token}
    created = app.post("/admin/accounts", data=data, follow_redirects=False)
    assert (created.status_code, created.headers["location"]) == (303, "/admin/accounts?lang=fr")
    first = app.get("/admin/accounts").text
    password = re.search(r'class="secret">([^<]+)<', first)
    assert password is not None
    assert len(password.group(1)) == 16
    assert 'class="secret"' not in app.get("/admin/accounts").text  # once only


def test_a_browser_gets_pages_for_errors_and_a_program_gets_json(
    app: TestClient[Litestar],
) -> None:
    page = app.get("/nowhere", headers={"accept": "text/html"})
    assert page.status_code == 404
    assert alert(page.text) == "Cette page n'existe pas, ou vous n'y avez pas accès."
    api = app.get("/api/nowhere")
    assert (api.status_code, api.json()["status_code"]) == (404, 404)


def test_the_language_chosen_before_signing_in_is_kept_after(
    app: TestClient[Litestar], cast: Cast
) -> None:
    token = form_token(app.get("/login?lang=en").text)
    data = {"email": cast.emails["trainee"], "password": PASSWORD, "_csrf_token": token}
    response = app.post("/login?lang=en", data=data, follow_redirects=False)
    assert response.headers["location"] == "/account?lang=en"


def test_changing_ones_password_ends_other_sessions_and_keeps_this_one(
    app: TestClient[Litestar], cast: Cast
) -> None:
    email = cast.emails["jobcentre"]
    signed_in(app, email, PASSWORD)
    laptop = signed_in(another_browser(app), email, PASSWORD)

    token = form_token(app.get("/account").text)
    wrong = app.post(
        "/account/password",
        data={
            "current": "not it at all",
            "new": "x" * 12,
            "repeat": "x" * 12,
            "_csrf_token": token,
        },
    )
    assert alert(wrong.text) == "Mot de passe actuel incorrect."
    token = form_token(wrong.text)
    differ = app.post(
        "/account/password",
        data={"current": PASSWORD, "new": "y" * 12, "repeat": "z" * 12, "_csrf_token": token},
    )
    assert alert(differ.text) == "Les deux nouveaux mots de passe diffèrent."
    token = form_token(differ.text)
    new = "un tout nouveau mot de passe"
    done = app.post(
        "/account/password",
        data={"current": PASSWORD, "new": new, "repeat": new, "_csrf_token": token},
    )
    assert "Mot de passe changé." in done.text
    assert app.get("/account").status_code == 200  # this browser goes on
    assert laptop.get("/account").status_code == 401  # the other one is signed out
    assert sign_in(another_browser(app), email, PASSWORD).status_code == 401
    assert sign_in(another_browser(app), email, new).status_code == 303
