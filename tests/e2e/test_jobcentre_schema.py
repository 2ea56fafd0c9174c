"""The job-centre feed and summary answer as their OpenAPI says, whatever a client sends.

Schemathesis reads the app's own /schema/openapi.json and calls the feed and the summary
with generated parameters, valid and not, through the in-process client (whose lifespan
keeps the views caught up): no answer is a 5xx, every status is documented, and every
body has the media type and the shape the schema gives. Not the live stream: it never
ends (tests/e2e/test_jobcentre_stream.py follows it).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import msgspec
import pytest
import schemathesis
from access_givens import Cast
from hypothesis import HealthCheck, given, settings
from litestar import Litestar
from litestar.testing import TestClient
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from served import serve

from projections.jobcentre_feed import FeedEntry
from web.jobcentres import MAX_ID, FeedPage, Summary
from web.problems import LitestarError, Problem

FEED_OPERATIONS = r"^/api/jobcentres/\{code\}/(feed|summary)$"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Bounded and repeatable: the same 50 cases a run, in a few seconds, and no example
# database left in the working tree.
BOUNDED = settings(
    max_examples=50,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@pytest.fixture(scope="module")
def centre(data_dir: Path, cast: Cast) -> Iterator[TestClient[Litestar]]:
    """The app, its views caught up, called with the centre's key."""
    for client in serve(data_dir):
        client.headers["authorization"] = f"Bearer {cast.jobcentre_key}"
        yield client


@pytest.fixture(scope="module")
def feed_schema(centre: TestClient[Litestar]) -> schemathesis.BaseSchema:
    """The feed and the summary, as the running app documents them."""
    document = centre.get("/schema/openapi.json").json()
    return schemathesis.openapi.from_dict(document).include(path_regex=FEED_OPERATIONS)


def call(client: TestClient[Litestar], case: schemathesis.Case[Any]) -> int:
    """Send the case with the in-process client (and its key), check the answer, give its
    status. (Schemathesis' own ASGI transport would start the app's lifespan a second
    time, beside the one `serve` runs.)"""
    request = case.as_transport_kwargs(base_url=str(client.base_url))
    answer = client.request(
        request["method"],
        request["url"],
        params=request.get("params"),
        headers={**request.get("headers", {}), "authorization": client.headers["authorization"]},
    )
    case.validate_response(answer, checks=CHECKS)
    return answer.status_code


# Schemathesis' pytest loader (`schemathesis.pytest.from_fixture`) fails under pytest 9
# (it sets a node attribute pytest no longer has), and the schema comes from a fixture:
# the cases are drawn with its Hypothesis strategy instead, valid and invalid ones.
@pytest.mark.parametrize("mode", list(GenerationMode), ids=str)
def test_the_own_centres_feed_and_summary_keep_to_the_schema(
    mode: GenerationMode,
    centre: TestClient[Litestar],
    feed_schema: schemathesis.BaseSchema,
    cast: Cast,
) -> None:
    statuses: set[int] = set()

    @given(case=feed_schema.as_strategy(mode, path_parameters={"code": cast.jobcentre}))
    @BOUNDED
    def each(case: schemathesis.Case[Any]) -> None:
        statuses.add(call(centre, case))

    each()
    if mode == GenerationMode.POSITIVE:
        assert statuses == {200}
    else:  # the summary takes nothing but the code, fixed here: its cases stay valid
        assert statuses == {200, 400}


@pytest.mark.parametrize("mode", list(GenerationMode), ids=str)
def test_any_centre_code_gets_a_documented_answer(
    mode: GenerationMode,
    centre: TestClient[Litestar],
    feed_schema: schemathesis.BaseSchema,
    cast: Cast,
) -> None:
    statuses: set[int] = set()

    @given(case=feed_schema.as_strategy(mode))
    @BOUNDED
    def each(case: schemathesis.Case[Any]) -> None:
        status = call(centre, case)
        if (case.path_parameters or {}).get("code") != cast.jobcentre:
            assert status in {400, 403, 404}, case.path_parameters
        statuses.add(status)

    each()
    assert 403 in statuses  # another centre's code, or a code that is none


def test_a_cursor_beyond_any_entry_id_is_refused_not_an_error(
    centre: TestClient[Litestar], cast: Cast
) -> None:
    """Found by the cases above: an `after` past SQLite's integers was a 500."""
    url = f"/api/jobcentres/{cast.jobcentre}/feed"
    highest = centre.get(url, params={"after": MAX_ID})
    assert highest.status_code == 200
    assert highest.json()["entries"] == []
    for beyond in (MAX_ID + 1, 2**63, 10**30):
        answer = centre.get(url, params={"after": beyond})
        assert answer.status_code == 400, beyond
        assert "after" in answer.text


OPERATIONS = {
    "/api/jobcentres/{code}/feed": FeedPage,
    "/api/jobcentres/{code}/feed/stream": str,
    "/api/jobcentres/{code}/summary": Summary,
}


@pytest.mark.parametrize(("path", "answer_type"), OPERATIONS.items())
def test_each_operation_shows_examples_of_what_it_takes_and_answers(
    centre: TestClient[Litestar], path: str, answer_type: type
) -> None:
    operation = centre.get("/schema/openapi.json").json()["paths"][path]["get"]
    for parameter in operation["parameters"]:
        assert parameter["examples"], parameter["name"]
    responses = operation["responses"]
    for status, body_type in (
        (200, answer_type),
        (401, Problem),
        (403, Problem),
        (404, LitestarError),
    ):
        ((media_type, content),) = responses[str(status)]["content"].items()
        examples = [example["value"] for example in content["examples"].values()]
        assert examples, (status, media_type)
        for example in examples:  # each one is what the API would send
            if body_type is str:
                assert media_type == "text/event-stream"
                assert example.startswith("id: 1234560\r\nevent: entry\r\ndata: {")
                data = example.split("\r\n")[2].removeprefix("data: ")
                msgspec.json.decode(data, type=FeedEntry, strict=True)
            else:
                msgspec.convert(example, body_type)
