"""What every server-rendered page gets: language, words, number formats, who is signed in."""

from __future__ import annotations

from functools import partial
from typing import Any

from litestar import Request
from litestar.response import Template

from web.access import ANONYMOUS, Principal
from web.i18n import gettext_for, language_of, ngettext_for, number, other_language, percent


def principal(request: Request[Any, Any, Any]) -> Principal:
    """Who the guard found (every routed request has passed it)."""
    found = request.scope.get("user")
    return found if isinstance(found, Principal) else ANONYMOUS


def page(
    request: Request[Any, Any, Any],
    template: str,
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
    **context: Any,
) -> Template:
    language = language_of(request)
    return Template(
        template,
        status_code=status_code,
        headers=headers,
        context={
            "lang": language,
            "other_lang": other_language(language),
            "_": gettext_for(language),  # {{ _("Sign in") }}: msgids are the English text
            "ngettext": ngettext_for(language),
            "n": partial(number, language=language),
            "pct": partial(percent, language=language),
            "user": principal(request),
            **context,
        },
    )
