"""The refusals the API documents, as the bodies `web/errors.py` sends them.

Structs, not dicts: litestar drops a dict's None values from the OpenAPI document, and
a struct cannot drift from what a handler is typed to send."""

from __future__ import annotations

import msgspec
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import Example

PROBLEM = "application/problem+json"


class Problem(msgspec.Struct):
    """A refusal as web/errors.py words it for programs (RFC 9457 style)."""

    type: str
    status: int
    detail: str


class DomainProblem(msgspec.Struct):
    """A rule of the programme refused the request (web/errors.py `domain_error_response`)."""

    type: str
    title: str
    status: int
    detail: str


class LitestarError(msgspec.Struct):
    """Litestar's error body, which its own 4xx keep (web/errors.py `http_error`)."""

    status_code: int
    detail: str


def refused(description: str, example: Problem) -> ResponseSpec:
    """A 401 or 403 as documented: problem+json, with one example."""
    return ResponseSpec(
        Problem,
        generate_examples=False,
        description=description,
        media_type=PROBLEM,
        examples=[Example(value=example)],
    )


NOT_SIGNED_IN = refused(
    "No session or key, or a key that is unknown or revoked.",
    Problem("urn:tremplin:error:not-signed-in", 401, "unknown or revoked API key"),
)

AUDITORS_ONLY = refused(
    "Signed in or keyed, but not as an auditor or an administrator.",
    Problem("urn:tremplin:error:forbidden", 403, "this role may not read the audit"),
)
UNKNOWN_PROGRAMME = ResponseSpec(
    DomainProblem,
    generate_examples=False,
    description="No programme has this code.",
    media_type=PROBLEM,
    examples=[
        Example(
            value=DomainProblem(
                "urn:tremplin:error:not-found", "NotFound", 404, "there is no programme nope"
            )
        )
    ],
)
AUDIT_REFUSALS = {401: NOT_SIGNED_IN, 403: AUDITORS_ONLY}
