"""French first, English available: the language of a request and the words of the pages.

The words live in gettext catalogues under web/locale (managed with Babel, `make i18n`):
the msgids are the English text, fr/messages.po has the French. The .po files are read
and compiled in memory at start-up: no compiled .mo to keep in step with its source.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Any, Protocol

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from litestar import Request

LANGUAGES = ("fr", "en")
LOCALES = Path(__file__).parent / "locale"
DOMAIN = "messages"


def language_of(request: Request[Any, Any, Any]) -> str:
    """`?lang=` first, then the browser's preferences by weight; French otherwise."""
    asked = str(request.query_params.get("lang", "")).lower()
    if asked in LANGUAGES:
        return asked
    preferred = sorted(_weighted(request.headers.get("accept-language", "")), reverse=True)
    return next((code for _, code in preferred if code in LANGUAGES), "fr")


def _weighted(header: str) -> list[tuple[float, str]]:
    """`en;q=0.1, fr;q=0.9` → [(0.1, "en"), (0.9, "fr")]; a bad weight counts as 0."""
    found = []
    for part in header.split(","):
        code, _, parameters = part.strip().partition(";")
        weight = 1.0
        if parameters.strip().startswith("q="):
            try:
                weight = float(parameters.strip()[2:])
            except ValueError:
                weight = 0.0
        found.append((weight, code.strip()[:2].lower()))
    return found


def number(value: int | float, language: str) -> str:
    """12489 → "12 489" in French (narrow no-break space), "12,489" in English."""
    text = f"{value:,}"
    return text.replace(",", "\u202f") if language == "fr" else text


def other_language(language: str) -> str:
    return "en" if language == "fr" else "fr"


def load_catalogues() -> None:
    """Compile every language's catalogue now (at start-up), so that a malformed .po stops
    the server instead of the first page asked for in that language."""
    for language in LANGUAGES:
        translations(language)


@cache
def translations(language: str) -> Translations:
    """The catalogue of one of LANGUAGES, compiled once per process."""
    if language not in LANGUAGES:
        raise ValueError(f"no catalogue for language {language!r}")
    return compiled(LOCALES / language / "LC_MESSAGES" / f"{DOMAIN}.po")


def compiled(po: Path) -> Translations:
    """A .po file as gettext translations, through an in-memory .mo. A syntax error, or a
    translation whose placeholders differ from its msgid's (a KeyError on some page later),
    raises here. Fuzzy and empty translations are left out: gettext then shows the msgid."""
    with po.open("rb") as source:
        catalogue = read_po(source, abort_invalid=True)
    problems = [
        f"{po}:{message.lineno}: {error}"
        for message, errors in catalogue.check()
        for error in errors
    ]
    if problems:
        raise ValueError("malformed catalogue:\n" + "\n".join(problems))
    mo = BytesIO()
    write_mo(mo, catalogue)
    mo.seek(0)
    return Translations(mo, domain=DOMAIN)


def gettext_for(language: str) -> Callable[..., str]:
    """`_("Next level at %(xp)s XP", xp=120)`: the translation, with the named values put in
    (as Jinja's new-style gettext does). Without values the text is left as it is."""
    catalogue = translations(language)

    def gettext(message: str, /, **values: Any) -> str:
        text = catalogue.gettext(message)
        return text % values if values else text

    return gettext


def ngettext_for(language: str) -> Callable[..., str]:
    """`ngettext("%(num)d badge", "%(num)d badges", count)`: the form the language's plural
    rule picks for `count` (French: 0 and 1 are singular), with `num` set to `count`."""
    catalogue = translations(language)

    def ngettext(singular: str, plural: str, count: int, /, **values: Any) -> str:
        values.setdefault("num", count)
        return catalogue.ngettext(singular, plural, count) % values

    return ngettext


def N_(message: str) -> str:  # noqa: N802 — the name gettext tools look for
    """Marks a string for extraction where it is defined (a table of messages); it is
    translated where it is shown, with `gettext_for(language)(message)`."""
    return message


class Counted(Protocol):
    """A figure with a share: its count over a denominator."""

    @property
    def value(self) -> int | None: ...
    @property
    def denominator(self) -> int | None: ...
    @property
    def rate(self) -> float | None: ...


def percent(share: float | Counted, language: str) -> str:
    """0.9033 → "90,3" in French, "90.3" in English (the % sign is the page's). A figure
    is shown from its count and denominator, not from its rate already rounded to four
    places: rounding twice turned 14/17 (82.35…%) into 82.3."""
    if not isinstance(share, int | float):
        value, denominator = share.value, share.denominator
        exact = value / denominator if value is not None and denominator else share.rate
        share = exact if exact is not None else 0.0
    text = f"{share * 100:.1f}"
    return text.replace(".", ",") if language == "fr" else text
