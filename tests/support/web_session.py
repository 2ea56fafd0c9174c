"""Signing in through the real pages, as a browser does: the CSRF token from the form."""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
from litestar.testing import TestClient

HTTPS = "https://testserver.local"  # session and CSRF cookies are Secure: only sent over HTTPS
_FORM_TOKEN = re.compile(r'name="_csrf_token" value="([^"]*)"')
_HX_HEADERS = re.compile(r"<body hx-headers='([^']*)'")


def form_token(html: str) -> str:
    found = _FORM_TOKEN.search(html)
    assert found is not None, "no CSRF token in the page's forms"
    return found.group(1)


def htmx_token(html: str) -> str:
    """The token htmx sends: from `hx-headers` on <body>, as htmx reads it."""
    found = _HX_HEADERS.search(html)
    assert found is not None, "no hx-headers on <body>"
    token: str = json.loads(found.group(1))["X-CSRFToken"]
    return token


def sign_in(client: TestClient[Any], email: str, password: str) -> httpx.Response:
    page = client.get("/login")
    return client.post(
        "/login",
        data={"email": email, "password": password, "_csrf_token": form_token(page.text)},
        follow_redirects=False,
    )


def signed_in(client: TestClient[Any], email: str, password: str) -> TestClient[Any]:
    response = sign_in(client, email, password)
    assert response.status_code == 303, response.text
    return client
