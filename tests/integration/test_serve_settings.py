"""Who the server believes the client is: X-Forwarded-For only from trusted proxies."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from served import tremplin_serve
from web_session import form_token

from domain.accounts import Role
from infra.bootstrap import build_application
from infra.cli import uvicorn_options
from infra.credentials import hash_password
from infra.settings import Settings


def test_no_proxy_is_trusted_unless_named() -> None:
    assert uvicorn_options(Settings()) == {
        "log_level": "warning",
        "proxy_headers": False,
        "forwarded_allow_ips": None,
    }
    named = Settings.from_env({"TREMPLIN_FORWARDED_ALLOW_IPS": "10.0.0.5, 10.1.0.0/16"})
    assert uvicorn_options(named)["proxy_headers"] is True
    assert uvicorn_options(named)["forwarded_allow_ips"] == "10.0.0.5, 10.1.0.0/16"


@pytest.mark.parametrize(
    ("trusted", "then"),
    [
        (None, [429, 429]),  # both claims are 127.0.0.1, which has failed 20 times
        ("127.0.0.1", [429, 401]),  # a named proxy: 10.9.9.8 is someone else
    ],
)
def test_a_local_client_cannot_claim_another_address_to_dodge_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, trusted: str | None, then: list[int]
) -> None:
    if trusted is not None:
        monkeypatch.setenv("TREMPLIN_FORWARDED_ALLOW_IPS", trusted)
    else:
        monkeypatch.delenv("TREMPLIN_FORWARDED_ALLOW_IPS", raising=False)
    app = build_application(Settings(data_dir=tmp_path))
    hashed = hash_password("x" * 20)  # one Argon2 hash for all: each costs 0.1 s
    for n in range(22):
        app.open_account(f"user{n}@example.org", Role.TRAINER, hashed)
    app.close()
    claims = [*["10.9.9.9"] * 21, "10.9.9.8"]  # one account each: only the address limit
    for base in tremplin_serve(tmp_path):
        with httpx.Client(base_url=base) as client:
            page = client.get("/login")
            # The cookie is Secure: a browser sends it to 127.0.0.1; Python's jar does not.
            cookie = page.headers["set-cookie"].split(";")[0]
            token = form_token(page.text)
            statuses = []
            for n, claimed in enumerate(claims):
                response = client.post(
                    "/login",
                    data={"email": f"user{n}@example.org", "password": "wrong password!",
                          "_csrf_token": token},
                    headers={"x-forwarded-for": claimed, "cookie": cookie},
                )  # fmt: skip
                statuses.append(response.status_code)
            assert statuses == [401] * 20 + then
