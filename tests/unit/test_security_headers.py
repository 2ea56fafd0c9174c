"""Every HTTP response carries the security headers, once, and a handler's own CSP wins."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar, MediaType, Response, get
from litestar.exceptions import HTTPException
from litestar.static_files import create_static_files_router
from litestar.testing import TestClient

from web.security_headers import (
    CONTENT_SECURITY_POLICY,
    SecurityHeadersMiddleware,
    add_security_headers,
)

EXPECTED = {
    "content-security-policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "font-src 'self'; connect-src 'self'; manifest-src 'self'; worker-src 'self'; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    ),
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
    "cross-origin-opener-policy": "same-origin",
}
SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'; sandbox"


@get("/json", sync_to_thread=False)
def json_route() -> dict[str, int]:
    return {"answer": 42}


@get("/page", media_type=MediaType.HTML, sync_to_thread=False)
def html_route() -> str:
    return "<!doctype html><title>Tremplin</title><p>Bonjour</p>"


@get("/teapot", sync_to_thread=False)
def failing_route() -> None:
    raise HTTPException(status_code=418, detail="no coffee")


@get("/crash", sync_to_thread=False)
def crashing_route() -> None:
    raise RuntimeError("unexpected")


@get("/chart.svg", sync_to_thread=False)
def own_policy_route() -> Response[str]:
    return Response(
        "<svg xmlns='http://www.w3.org/2000/svg'/>",
        media_type="image/svg+xml",
        headers={"Content-Security-Policy": SVG_POLICY},
    )


def build_app(static: Path, wiring: str) -> Litestar:
    (static / "app.css").write_text("body { margin: 0; }\n")
    handlers: list[Any] = [json_route, html_route, failing_route, crashing_route, own_policy_route]
    handlers.append(create_static_files_router("/static", [static]))
    if wiring == "middleware":
        return Litestar(handlers, middleware=[SecurityHeadersMiddleware()], debug=False)
    return Litestar(handlers, before_send=[add_security_headers], debug=False)


@pytest.fixture(params=["middleware", "before_send"])
def client(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[TestClient[Litestar]]:
    with TestClient(build_app(tmp_path, request.param)) as test_client:
        yield test_client


@pytest.fixture
def hooked_client(tmp_path: Path) -> Iterator[TestClient[Litestar]]:
    with TestClient(build_app(tmp_path, "before_send")) as test_client:
        yield test_client


def security_headers(response: Any) -> dict[str, list[str]]:
    return {name: response.headers.get_list(name) for name in EXPECTED}


def test_the_exported_policy_is_the_one_sent() -> None:
    assert EXPECTED["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/json", 200),
        ("/page", 200),
        ("/teapot", 418),
        ("/crash", 500),
        ("/static/app.css", 200),
        ("/static/missing.css", 404),
    ],
)
def test_each_handler_response_has_each_header_once(
    client: TestClient[Litestar], path: str, status: int
) -> None:
    response = client.get(path)

    assert response.status_code == status
    assert security_headers(response) == {name: [value] for name, value in EXPECTED.items()}


def test_the_body_and_content_type_are_left_alone(client: TestClient[Litestar]) -> None:
    response = client.get("/page")

    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.text == "<!doctype html><title>Tremplin</title><p>Bonjour</p>"


def test_a_handler_own_policy_is_kept_and_not_doubled(client: TestClient[Litestar]) -> None:
    response = client.get("/chart.svg")

    assert response.headers.get_list("content-security-policy") == [SVG_POLICY]
    assert response.headers.get_list("x-frame-options") == ["DENY"]


@pytest.mark.parametrize(
    ("method", "path", "status"), [("GET", "/nowhere", 404), ("POST", "/json", 405)]
)
def test_the_hook_also_covers_what_the_router_answers_itself(
    hooked_client: TestClient[Litestar], method: str, path: str, status: int
) -> None:
    response = hooked_client.request(method, path)

    assert response.status_code == status
    assert security_headers(response) == {name: [value] for name, value in EXPECTED.items()}
