"""Role × route: every route of the app's own route table, called by every kind of caller.

The routes come from `app.routes`, not from a list here: a route added without an
entry in EXPECTED fails `test_every_route_has_an_expectation`, and one added
without an access rule is refused to everyone by the guard (deny by default),
which the matrix then reports for whichever roles it should have served.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from access_givens import PASSWORD, Cast
from litestar import Litestar
from litestar.testing import TestClient
from served import serve
from web_session import form_token, signed_in

from domain.accounts import ApiKeyKind, Role
from infra.credentials import new_api_key

ANONYMOUS = "anonymous"
JOBCENTRE_KEY = "jobcentre key"
AUDITOR_KEY = "auditor key"
SESSIONS = tuple(role.value for role in Role)
CALLERS = (ANONYMOUS, *SESSIONS, JOBCENTRE_KEY, AUDITOR_KEY)

EVERYONE = frozenset(CALLERS)
SIGNED_IN = frozenset(SESSIONS)  # people, not machines
STAFF_FIGURES = frozenset({"trainer", "mentor", "jobcentre", "auditor", "admin"})
NOBODY: frozenset[str] = frozenset()

TRAINEES = frozenset({"trainee"})  # with a session: the app is about the signed-in person
STAFF = frozenset({"trainer", "admin"})
FEED_READERS = frozenset({"jobcentre", "admin", JOBCENTRE_KEY})  # their own centre
FEED_ROUTES = ("/feed", "/feed/stream", "/summary")
AUDITORS = frozenset({"auditor", "admin"})  # people; an auditor's key only where named
TRAINEE_SCREENS = (
    "", "/path", "/record", "/leaderboard", "/wall", "/badges", "/coaching", "/jobs",
    "/profile", "/data",
)  # fmt: skip
TRAINEE_ACTIONS = (
    "/check-in", "/modules", "/simulations", "/thanks", "/consents", "/wall",
    "/wall/{post_id:str}/replies", "/wall/{post_id:str}/replies/{reply_id:str}/helpful",
    "/wall/{post_id:str}/report", "/jobs/{offer_ref:str}/apply",
)  # fmt: skip

# Who may call each route (method, path as in the route table); everyone else is refused.
EXPECTED: dict[tuple[str, str], frozenset[str]] = {
    ("GET", "/"): EVERYONE,
    ("GET", "/api/health"): EVERYONE,
    ("GET", "/api/programmes"): EVERYONE,
    ("GET", "/login"): EVERYONE,
    ("POST", "/login"): EVERYONE - {JOBCENTRE_KEY, AUDITOR_KEY},  # keys only read
    ("POST", "/logout"): EVERYONE - {JOBCENTRE_KEY, AUDITOR_KEY},
    ("GET", "/account"): SIGNED_IN,
    ("POST", "/account/sign-out-everywhere"): SIGNED_IN,
    ("POST", "/account/password"): SIGNED_IN,
    ("GET", "/api/programmes/{programme_id:str}/outcomes"): STAFF_FIGURES
    | {JOBCENTRE_KEY, AUDITOR_KEY},
    ("GET", "/api/outcome-definitions"): STAFF_FIGURES | {JOBCENTRE_KEY, AUDITOR_KEY},
    ("GET", "/api/programmes/{programme_id:str}/outcomes/{key:str}/evidence"): frozenset(
        {"trainer", "auditor", "admin", AUDITOR_KEY}
    ),
    ("GET", "/api/programmes/{programme_id:str}/leaderboard"): frozenset(
        {"trainee", "mentor", "trainer", "auditor", "admin", AUDITOR_KEY}
    ),
    ("GET", "/api/people/{person_id:str}/path"): SIGNED_IN | {JOBCENTRE_KEY, AUDITOR_KEY},
    ("GET", "/admin/accounts"): frozenset({"admin"}),
    ("POST", "/admin/accounts"): frozenset({"admin"}),
    ("POST", "/admin/accounts/{account_id:str}/disable"): frozenset({"admin"}),
    ("POST", "/admin/accounts/{account_id:str}/enable"): frozenset({"admin"}),
    ("DELETE", "/admin/apikeys/{key_id:str}"): frozenset({"admin"}),
    ("POST", "/admin/apikeys/{key_id:str}/revoke"): frozenset({"admin"}),
    ("GET", "/audit/disclosure"): frozenset({"auditor"}),
    ("GET", "/audit"): AUDITORS,
    ("GET", "/audit/evidence"): AUDITORS,
    ("GET", "/audit/chain"): AUDITORS,
    ("GET", "/audit/log"): AUDITORS,
    ("GET", "/api/audit/log"): AUDITORS | {AUDITOR_KEY},
    ("GET", "/api/audit/evidence.csv"): AUDITORS | {AUDITOR_KEY},
    ("GET", "/api/audit/pack"): AUDITORS | {AUDITOR_KEY},
    **{("GET", f"/api/jobcentres/{{code:str}}{route}"): FEED_READERS for route in FEED_ROUTES},
    ("POST", "/audit/disclosure"): frozenset({"auditor"}),
    **{("GET", f"/me{screen}"): TRAINEES for screen in TRAINEE_SCREENS},
    **{("POST", f"/me{action}"): TRAINEES for action in TRAINEE_ACTIONS},
    ("GET", "/staff/sessions"): STAFF,
    ("POST", "/staff/sessions"): STAFF,
    ("GET", "/staff/wall"): STAFF,
    ("POST", "/staff/wall/{post_id:str}/hide"): STAFF,
    ("GET", "/manifest.webmanifest"): EVERYONE,
    ("GET", "/sw.js"): EVERYONE,
    ("GET", "/offline"): EVERYONE,
    ("GET", "/me/stream"): TRAINEES,  # 406 unless asked as an event stream
    ("GET", "/static/{file_path:path}"): EVERYONE,
    ("HEAD", "/static/{file_path:path}"): EVERYONE,
    ("GET", "/schema"): EVERYONE,
    ("GET", "/schema/openapi.json"): EVERYONE,
    ("GET", "/schema/{path:str}"): EVERYONE,
}
# litestar answers OPTIONS itself on every path; no rule is given to those handlers, so
# the guard refuses them to everyone (there is no cross-origin use of this API).
OPTIONS_ALLOWED = NOBODY


def route_table(app: Litestar) -> list[tuple[str, str]]:
    return sorted(
        (method, route.path)
        for route in app.routes
        for method in route.methods  # type: ignore[attr-defined]
    )


@pytest.fixture(scope="module")
def matrix_dir(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the session's folder: the matrix disables accounts and revokes keys."""
    folder = tmp_path_factory.mktemp("matrix")
    shutil.copytree(data_dir, folder, dirs_exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def app_client(matrix_dir: Path) -> Iterator[TestClient[Litestar]]:
    yield from serve(matrix_dir)


def test_every_route_has_an_expectation(app_client: TestClient[Litestar]) -> None:
    routes = {r for r in route_table(app_client.app) if r[0] != "OPTIONS"}
    assert sorted(routes - EXPECTED.keys()) == [], "routes with no row in the matrix"
    assert sorted(EXPECTED.keys() - routes) == [], "rows for routes the app no longer has"


def test_the_role_route_matrix(app_client: TestClient[Litestar], cast: Cast) -> None:
    """Each caller calls each route once; allowed means neither 401 nor 403."""
    app = app_client.app
    tremplin = app.state.tremplin
    spare = new_api_key()  # something for the admin to revoke
    tremplin.issue_api_key(spare.key_id, ApiKeyKind.AUDITOR, "matrix", spare.secret_hash)
    spare_account = tremplin.account(cast.emails["mentor"])  # disabled, then enabled again
    values = {
        "programme_id": "ort-france-2017",
        "key": "completed",
        "code": cast.jobcentre,
        "person_id": cast.own,
        "account_id": spare_account.id.hex,
        "key_id": spare.key_id,
        "file_path": "app.css",
        "path": "openapi.json",
        "post_id": "no-such-post",
        "reply_id": "no-such-reply",
        "offer_ref": "no-such-offer",
    }
    routes = route_table(app)
    # Reads first, then writes; the writes that end a session come last of all.
    ending = ("/logout", "/account/sign-out-everywhere")
    routes.sort(key=lambda r: (r[0] not in ("GET", "HEAD"), r[1] in ending, r))
    outcomes: dict[tuple[str, str, str], int] = {}
    for caller in CALLERS:
        with SignedInAs(app_client, caller, cast) as client:
            token = _token(client)
            for method, path in routes:
                url = path
                for name, value in values.items():
                    url = url.replace(f"{{{name}:str}}", value).replace(f"{{{name}:path}}", value)
                headers = {"x-csrftoken": token} if method not in ("GET", "HEAD") else {}
                response = client.request(method, url, headers=headers, follow_redirects=False)
                outcomes[(caller, method, path)] = response.status_code
    wrong = []
    for (caller, method, path), status in sorted(outcomes.items()):
        allowed = OPTIONS_ALLOWED if method == "OPTIONS" else EXPECTED[(method, path)]
        if caller in allowed:
            expected = "not 401/403"
            ok = status not in (401, 403)
        else:  # nobody signed in: 401 (sign in); signed in or keyed: 403 (not your role)
            signs_in = caller == ANONYMOUS and method != "OPTIONS"
            expected = "401" if signs_in else "403"
            ok = status == int(expected)
        if not ok:
            wrong.append(f"{caller:14} {method:6} {path}: {status}, expected {expected}")
    assert wrong == [], "\n".join(wrong)
    # The grid really was exercised: every caller, every route.
    assert len(outcomes) == len(CALLERS) * len(routes)


class SignedInAs:
    """A client signed in as `caller` (a session, a key, or nobody), on its own cookies."""

    def __init__(self, base: TestClient[Litestar], caller: str, cast: Cast) -> None:
        self.base, self.caller, self.cast = base, caller, cast

    def __enter__(self) -> TestClient[Litestar]:
        client = self.base
        client.cookies.clear()
        client.headers.pop("authorization", None)
        if self.caller in SESSIONS:
            signed_in(client, self.cast.emails[self.caller], PASSWORD)
        elif self.caller == JOBCENTRE_KEY:
            client.headers["authorization"] = f"Bearer {self.cast.jobcentre_key}"
        elif self.caller == AUDITOR_KEY:
            client.headers["authorization"] = f"Bearer {self.cast.auditor_key}"
        return client

    def __exit__(self, *_: object) -> None:
        self.base.cookies.clear()
        self.base.headers.pop("authorization", None)


def _token(client: TestClient[Litestar]) -> str:
    """The CSRF token a page would carry (keys get one too: their writes must fail on role)."""
    return form_token(client.get("/login").text)
