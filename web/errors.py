"""One table from domain errors to HTTP problems (RFC 9457 style JSON), and the refusals
of access: a problem for API clients, a page (or the sign-in page) for people."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from litestar import Request, Response
from litestar.exceptions import (
    HTTPException,
    MethodNotAllowedException,
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
    ValidationException,
)
from litestar.exceptions.responses import create_exception_response
from litestar.response import Redirect
from litestar.types import ExceptionHandlersMap

from domain import errors
from web.csrf import CSRF_FAILED
from web.i18n import gettext_for, language_of
from web.pages import page

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


def domain_error_response(request: Request[Any, Any, Any], error: Exception) -> Response[Any]:
    assert isinstance(error, errors.DomainError)
    status = status_of(error)
    if _wants_page(request):
        return _error_page(request, status, str(error))
    problem = {
        "type": f"urn:tremplin:error:{error.code}",
        "title": type(error).__name__,
        "status": status,
        "detail": str(error),
    }
    if isinstance(error, errors.InvalidValue):
        problem["field"] = error.field
    return Response(problem, status_code=status, media_type="application/problem+json")


def not_signed_in(request: Request[Any, Any, Any], error: Exception) -> Response[Any]:
    """401: a page asked for goes to the sign-in page and back; an API call gets a problem."""
    assert isinstance(error, NotAuthorizedException)
    if _wants_page(request):
        back = quote(request.url.path + (f"?{request.url.query}" if request.url.query else ""))
        target = f"/login?next={back}"
        if request.headers.get("hx-request") == "true":
            return Response(None, status_code=401, headers={"HX-Redirect": target})
        if request.method == "GET":
            return Redirect(target, status_code=303)
    return _problem("not-signed-in", 401, str(error.detail), error.headers)


def refused(request: Request[Any, Any, Any], error: Exception) -> Response[Any]:
    """403: said in words a person can act on; a missing CSRF token says to reload."""
    assert isinstance(error, PermissionDeniedException)
    _ = gettext_for(language_of(request))
    csrf = error.detail == CSRF_FAILED
    message = (
        _("This form has expired or did not come from Tremplin. Reload the page and try again.")
        if csrf
        else _("Your role does not give access to this page.")
    )
    if _wants_page(request):
        return _error_page(request, 403, message)
    return _problem(
        "csrf-failed" if csrf else "forbidden", 403, message if csrf else str(error.detail)
    )


def http_error(request: Request[Any, Any, Any], error: Exception) -> Response[Any]:
    """400, 404, 405… in words for a person's browser; litestar's JSON for programs."""
    assert isinstance(error, HTTPException)
    if _wants_page(request):
        _ = gettext_for(language_of(request))
        fields = _fields_of(error)
        if error.status_code == 404:
            message = _("This page does not exist, or you do not have access to it.")
        elif fields:
            message = _("The request is incomplete or malformed: check %(fields)s.") % {
                "fields": ", ".join(fields)
            }
        else:
            message = _("The request is incomplete or malformed: check the form.")
        return _error_page(request, error.status_code, message)
    return create_exception_response(request, error)


FIELD = re.compile(r"^([a-z_]+): ")


def _fields_of(error: HTTPException) -> list[str]:
    """The fields a 400 names: litestar's own checks list them in `extra`; ours begin
    their detail with one ("known_at: … is not a moment")."""
    if error.status_code != 400:
        return []
    extra = error.extra if isinstance(error.extra, list) else []
    named = [str(item["key"]) for item in extra if isinstance(item, dict) and item.get("key")]
    found = FIELD.match(str(error.detail))
    return named or ([found.group(1)] if found else [])


def _error_page(request: Request[Any, Any, Any], status: int, message: str) -> Response[Any]:
    return page(request, "refused.html", status_code=status, message=message, status=status)


def _wants_page(request: Request[Any, Any, Any]) -> bool:
    """A person's browser (a page, a form, htmx) rather than a program calling the API."""
    if request.headers.get("hx-request") == "true":
        return True
    api = request.url.path.startswith(("/api/", "/schema"))
    return not api and "text/html" in request.headers.get("accept", "")


def _problem(
    code: str, status: int, detail: str, headers: dict[str, str] | None = None
) -> Response[Any]:
    problem = {"type": f"urn:tremplin:error:{code}", "status": status, "detail": detail}
    return Response(
        problem, status_code=status, media_type="application/problem+json", headers=headers
    )


EXCEPTION_HANDLERS: ExceptionHandlersMap = {
    errors.DomainError: domain_error_response,
    NotAuthorizedException: not_signed_in,
    PermissionDeniedException: refused,
    NotFoundException: http_error,
    ValidationException: http_error,
    MethodNotAllowedException: http_error,
}
