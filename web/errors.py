"""One table from domain errors to HTTP problems (RFC 9457 style JSON)."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response
from litestar.types import ExceptionHandlersMap

from domain import errors

STATUS: list[tuple[type[errors.DomainError], int]] = [  # most specific first
    (errors.CommandConflict, 409),
    (errors.AlreadyExists, 409),
    (errors.AlreadyEnrolled, 409),
    (errors.AlreadyLeft, 409),
    (errors.MilestoneAlreadyCompleted, 409),
    (errors.NotFound, 404),
    (errors.InvalidValue, 422),
    (errors.DomainError, 422),
]


def status_of(error: errors.DomainError) -> int:
    return next(status for cls, status in STATUS if isinstance(error, cls))


def domain_error_response(_: Request[Any, Any, Any], error: Exception) -> Response[Any]:
    assert isinstance(error, errors.DomainError)
    status = status_of(error)
    problem = {
        "type": f"urn:tremplin:error:{error.code}",
        "title": type(error).__name__,
        "status": status,
        "detail": str(error),
    }
    if isinstance(error, errors.InvalidValue):
        problem["field"] = error.field
    return Response(problem, status_code=status, media_type="application/problem+json")


EXCEPTION_HANDLERS: ExceptionHandlersMap = {errors.DomainError: domain_error_response}
