"""The guard refuses a route that declares no access rule, whoever asks."""

from __future__ import annotations

from givens import in_memory_app
from litestar import Litestar, get
from litestar.datastructures import State
from litestar.testing import TestClient

from web.access import authorise, public


@get("/forgotten")
async def forgotten() -> str:  # a route someone added without thinking about access
    return "personal data"


@get("/declared", opt=public())
async def declared() -> str:
    return "public data"


def test_a_route_without_a_rule_is_refused_and_a_declared_one_served() -> None:
    app = Litestar(
        [forgotten, declared], guards=[authorise], state=State({"tremplin": in_memory_app()})
    )
    with TestClient(app) as client:
        refused = client.get("/forgotten")
        served = client.get("/declared")
    assert (refused.status_code, served.status_code) == (403, 200)
    assert "personal data" not in refused.text
    assert refused.json()["detail"] == "this route has no access rule (deny by default)"
