"""The words of the pages: complete French catalogue, extraction in step with the code,
plural rules per language, and the language a request gets (French unless asked)."""

from __future__ import annotations

import html
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import PoFileError, read_po
from jinja2 import ChoiceLoader, DictLoader, Environment, FileSystemLoader
from litestar import Litestar, Request, get
from litestar.config.csrf import CSRFConfig
from litestar.params import FromQuery
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Template
from litestar.template.config import TemplateConfig
from litestar.testing import TestClient

from domain.accounts import Role
from projections.outcome_figures import PartFigure
from web.i18n import LOCALES, compiled, gettext_for, load_catalogues, ngettext_for, percent
from web.pages import page

ROOT = Path(__file__).parents[2]
POT = LOCALES / "messages.pot"
RUN_MAKE_I18N = "run `make i18n`, then translate the new entries in web/locale/fr/…/messages.po"


def catalogue(path: Path) -> Catalog:
    with path.open("rb") as source:
        return read_po(source)


def msgids(found: Catalog) -> set[Any]:
    """Strings, and (singular, plural) pairs."""
    return {message.id for message in found if message.id}


def extracted(root: Path) -> set[Any]:
    """What `pybabel extract -F babel.cfg` finds under `root`, done in this process."""
    with (ROOT / "babel.cfg").open() as cfg:
        methods, options = parse_mapping_cfg(cfg)  # type: ignore[no-untyped-call]
    return {message for _, _, message, _, _ in extract_from_dir(root, methods, options)}


def strings(message: Message) -> tuple[str, ...]:
    found = message.string
    return tuple(found) if isinstance(found, tuple | list) else (str(found),)


def forms(message: Message) -> tuple[str, str]:
    """A plural's (singular, plural) msgids."""
    ids = message.id
    assert isinstance(ids, tuple | list), ids
    return str(ids[0]), str(ids[1])


# The catalogues


def test_every_msgid_has_a_french_translation_that_is_not_fuzzy() -> None:
    french = catalogue(LOCALES / "fr" / "LC_MESSAGES" / "messages.po")
    untranslated = []
    for wanted in catalogue(POT):
        if not wanted.id:
            continue
        found = french.get(wanted.id)
        if found is None or found.fuzzy or not all(strings(found)):
            untranslated.append(wanted.id)
    assert untranslated == [], f"no French (or fuzzy) for these: {RUN_MAKE_I18N}"


def test_the_template_catalogue_holds_what_the_code_says() -> None:
    in_code, in_pot = extracted(ROOT), msgids(catalogue(POT))
    assert sorted(map(str, in_code - in_pot)) == [], f"not in messages.pot: {RUN_MAKE_I18N}"
    assert sorted(map(str, in_pot - in_code)) == [], f"no longer used: {RUN_MAKE_I18N}"


def test_a_string_added_to_a_template_is_seen_by_the_extraction(tmp_path: Path) -> None:
    """The check above can fail: a copy of web/ with one more string shows it as missing."""
    shutil.copytree(ROOT / "web", tmp_path / "web", ignore=shutil.ignore_patterns("locale"))
    (tmp_path / "web" / "templates" / "added.html").write_text(
        '{% extends "base.html" %}{% block main %}{{ _("A string nobody extracted") }}'
        '{{ ngettext("%(num)d new badge", "%(num)d new badges", 2) }}{% endblock %}'
    )
    assert extracted(tmp_path) - extracted(ROOT) == {
        "A string nobody extracted",
        ("%(num)d new badge", "%(num)d new badges"),
    }


def test_the_catalogues_compile_at_start_up() -> None:
    load_catalogues()
    assert gettext_for("fr")("Sign in") == "Se connecter"
    assert gettext_for("en")("Sign in") == "Sign in"  # msgid = English: empty msgstr falls back


def test_a_malformed_catalogue_stops_the_start_up(tmp_path: Path) -> None:
    broken = tmp_path / "messages.po"  # a merge conflict left in the file
    broken.write_text(
        'msgid "Sign in"\n<<<<<<< HEAD\nmsgstr "Se connecter"\n=======\nmsgstr "Connexion"\n',
        encoding="utf-8",
    )
    with pytest.raises(PoFileError):
        compiled(broken)


def test_a_translation_losing_a_placeholder_stops_the_start_up(tmp_path: Path) -> None:
    wrong = tmp_path / "messages.po"
    wrong.write_text(
        '#, python-format\nmsgid "Try again in %(minutes)s min."\n'
        'msgstr "Réessayez dans %(minute)s min."\n',
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="malformed catalogue"):
        compiled(wrong)


def test_placeholders_are_filled_in_after_translation() -> None:
    too_many = "Too many sign-in attempts. Try again in %(minutes)s min."
    assert gettext_for("fr")(too_many, minutes=15) == (
        "Trop de tentatives de connexion. Réessayez dans 15 min."
    )
    english = gettext_for("en")(too_many, minutes=3)
    assert english == "Too many sign-in attempts. Try again in 3 min."


# Plurals: French says "0 badge" and "1 badge", English "0 badges" and "1 badge"


def plural_messages() -> list[Message]:
    french = catalogue(LOCALES / "fr" / "LC_MESSAGES" / "messages.po")
    return [message for message in french if message.id and message.pluralizable]


def test_the_catalogue_has_plurals_and_french_has_two_forms() -> None:
    french = catalogue(LOCALES / "fr" / "LC_MESSAGES" / "messages.po")
    assert (french.num_plurals, french.plural_expr) == (2, "(n > 1)")
    assert plural_messages() != []


def badges_catalogue(folder: Path, language: str, forms: tuple[str, str]) -> Path:
    """A catalogue with one plural, under the real catalogue's plural rule for `language`."""
    rule = catalogue(LOCALES / language / "LC_MESSAGES" / "messages.po").plural_forms
    po = folder / f"{language}.po"
    po.write_text(
        f'msgid ""\nmsgstr "Content-Type: text/plain; charset=utf-8\\nPlural-Forms: {rule}\\n"\n\n'
        '#, python-format\nmsgid "%(num)d badge"\nmsgid_plural "%(num)d badges"\n'
        f'msgstr[0] "{forms[0]}"\nmsgstr[1] "{forms[1]}"\n',
        encoding="utf-8",
    )
    return po


def test_badges_are_counted_the_french_way_and_the_english_way(tmp_path: Path) -> None:
    french = compiled(badges_catalogue(tmp_path, "fr", ("%(num)d badge", "%(num)d badges")))
    english = compiled(badges_catalogue(tmp_path, "en", ("", "")))  # msgids are the English
    said = {
        (language, count): found.ngettext("%(num)d badge", "%(num)d badges", count) % {"num": count}
        for language, found in (("fr", french), ("en", english))
        for count in (0, 1, 2)
    }
    assert said == {
        ("fr", 0): "0 badge",
        ("fr", 1): "1 badge",
        ("fr", 2): "2 badges",
        ("en", 0): "0 badges",
        ("en", 1): "1 badge",
        ("en", 2): "2 badges",
    }


@pytest.mark.parametrize(("count", "form"), [(0, 0), (1, 0), (2, 1), (12489, 1)])
def test_french_plurals_treat_zero_and_one_as_singular(count: int, form: int) -> None:
    messages = plural_messages()
    assert messages != []
    for message in messages:
        singular, plural = forms(message)
        expected = strings(message)[form] % {"num": count}
        assert ngettext_for("fr")(singular, plural, count) == expected


@pytest.mark.parametrize(("count", "form"), [(0, 1), (1, 0), (2, 1)])
def test_english_plurals_treat_only_one_as_singular(count: int, form: int) -> None:
    messages = plural_messages()
    assert messages != []
    for message in messages:
        expected = forms(message)[form] % {"num": count}
        assert ngettext_for("en")(*forms(message), count) == expected


def test_a_plural_renders_in_both_languages_in_a_template() -> None:
    """The template's `ngettext` gives `num` for free, as Jinja's new-style gettext does."""
    singular, plural = forms(plural_messages()[0])
    french = dict(zip(("one", "other"), strings(plural_messages()[0]), strict=True))
    with TestClient(pages(f'{{{{ ngettext("{singular}", "{plural}", count) }}}}')) as client:

        def shown(query: str) -> str:
            return html.unescape(client.get(f"/probe?{query}").text)

        assert shown("count=1&lang=fr") == french["one"] % {"num": 1}
        assert shown("count=0&lang=fr") == french["one"] % {"num": 0}
        assert shown("count=3&lang=fr") == french["other"] % {"num": 3}
        assert shown("count=0&lang=en") == plural % {"num": 0}
        assert shown("count=1&lang=en") == singular % {"num": 1}


# The language a request gets


def pages(probe: str = "") -> Litestar:
    """The real templates and `page()`, with CSRF (base.html renders a token); `probe.html`
    is the one template of the test's own."""

    @get("/login", sync_to_thread=False)
    def login(request: Request[Any, Any, Any]) -> Template:
        return page(request, "login.html", next="/account", signed_out=False)

    @get("/probe", sync_to_thread=False)
    def probed(
        request: Request[Any, Any, Any], count: FromQuery[int] = 0, role: FromQuery[str] = "admin"
    ) -> Template:
        return page(request, "probe.html", count=count, role=Role(role))

    loader = ChoiceLoader(
        [DictLoader({"probe.html": probe}), FileSystemLoader(ROOT / "web" / "templates")]
    )
    engine = JinjaTemplateEngine.from_environment(Environment(loader=loader, autoescape=True))
    return Litestar(
        [login, probed],
        template_config=TemplateConfig(instance=engine),
        csrf_config=CSRFConfig(secret="a secret for the tests, 32 bytes"),
    )


@pytest.fixture
def client() -> Iterator[TestClient[Litestar]]:
    with TestClient(pages()) as client:
        yield client


def words(client: TestClient[Litestar], path: str, **headers: str) -> tuple[str, str, str]:
    """The page's language, its heading and the link to the other language."""
    text = client.get(path, headers=headers).text
    lang = re.search(r'<html lang="(\w+)">', text)
    heading = re.search(r"<h1>([^<]*)</h1>", text)
    switch = re.search(r'<a class="lang"[^>]*>([^<]*)</a>', text)
    assert lang, text
    assert heading, text
    assert switch, text
    return lang[1], heading[1], switch[1]


def test_french_is_the_default(client: TestClient[Litestar]) -> None:
    assert words(client, "/login") == ("fr", "Se connecter", "English")


def test_lang_en_in_the_query_gives_english(client: TestClient[Litestar]) -> None:
    assert words(client, "/login?lang=en") == ("en", "Sign in", "Français")


def test_a_browser_preferring_english_gets_english(client: TestClient[Litestar]) -> None:
    english = words(client, "/login", **{"Accept-Language": "en-GB,en;q=0.9,fr;q=0.5"})
    assert english == ("en", "Sign in", "Français")


def test_the_browser_weights_decide(client: TestClient[Litestar]) -> None:
    french = words(client, "/login", **{"Accept-Language": "en;q=0.1, fr;q=0.9"})
    assert french == ("fr", "Se connecter", "English")


def test_a_language_we_do_not_have_gives_french(client: TestClient[Litestar]) -> None:
    assert words(client, "/login", **{"Accept-Language": "de-DE,de;q=0.9"})[0] == "fr"
    assert words(client, "/login?lang=de")[0] == "fr"


def test_lang_in_the_query_wins_over_the_browser(client: TestClient[Litestar]) -> None:
    french = words(client, "/login?lang=fr", **{"Accept-Language": "en"})
    assert french == ("fr", "Se connecter", "English")


@pytest.mark.parametrize(
    ("lang", "role", "name"),
    [
        ("fr", "trainee", "Stagiaire"),
        ("fr", "jobcentre", "Conseiller·ère emploi"),
        ("fr", "admin", "Administrateur·rice"),
        ("en", "jobcentre", "Job-centre adviser"),
        ("en", "trainer", "Trainer"),
    ],
)
def test_roles_are_named_in_the_page_language(lang: str, role: str, name: str) -> None:
    roles = '{% from "partials/roles.html" import role_name with context %}{{ role_name(role) }}'
    with TestClient(pages(roles)) as client:
        assert client.get(f"/probe?role={role}&lang={lang}").text == name


@pytest.mark.parametrize(
    ("value", "denominator", "french", "english"),
    [(14, 17, "82,4", "82.4"), (1, 29, "3,4", "3.4"), (1, 26, "3,8", "3.8"), (0, 0, "0,0", "0.0")],
)
def test_a_share_is_rounded_once_from_its_count(
    value: int, denominator: int, french: str, english: str
) -> None:
    """The figure's rate is already rounded to 4 places; rounding it again gave 82,3."""
    rate = round(value / denominator, 4) if denominator else None
    figure = PartFigure(value, rate, denominator or None)
    assert (percent(figure, "fr"), percent(figure, "en")) == (french, english)
    assert percent(0.9033, "fr") == "90,3"


# French typography


def test_french_puts_a_space_before_colons_semicolons_and_the_like() -> None:
    """« Ce qui change : », not « Ce qui change: » (placeholders and `code` aside)."""
    french = catalogue(LOCALES / "fr" / "LC_MESSAGES" / "messages.po")
    glued = []
    for message in french:
        for said in strings(message) if message.id else ():
            words = re.sub(r"`[^`]*`|https?://\S+|%\(\w+\)[sd]", "", said)
            if re.search(r"[^\s\u00a0\u202f][:;?!%»]|«[^\s\u00a0\u202f]", words):
                glued.append(said)
    assert glued == []


def test_no_template_puts_a_colon_after_a_translated_text() -> None:
    """`{{ _("Head link") }}:` shows « Maillon de tête: » in French: the colon belongs in
    the msgid (`_("Head link:")`), so that each language spaces it its own way."""
    outside = [
        f"{path.relative_to(ROOT)}: {found}"
        for path in sorted((ROOT / "web" / "templates").rglob("*.html"))
        for found in re.findall(r"_\([^)]*\)\s*}}\s?[:;?!]", path.read_text())
    ]
    assert outside == []
