"""The home page: every programme with its targets and cohorts, in French or in English."""

from __future__ import annotations

from html.parser import HTMLParser

from litestar import Litestar
from litestar.testing import TestClient
from oulad_sample import OuladSample
from simulated_sample import SimulatedHistory

ORT = "ort-france-2017"
OULAD = "oulad"


class HomePage(HTMLParser):
    """What a reader sees: the page's language, each programme's text, each cohort row."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.lang = ""
        self.sections: dict[str, str] = {}
        self.rows: list[list[str]] = []  # rows of table bodies, headings left out
        self._section: str | None = None
        self._in_body = False
        self._cell: list[str] | None = None
        self.feed(html)
        self.sections = {code: " ".join(text.split()) for code, text in self.sections.items()}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if self._section is not None:
            self.sections[self._section] += " "  # "Financeurs Ville de Paris", not run together
        if tag == "html":
            self.lang = found.get("lang") or ""
        elif tag == "section":
            self._section = (found.get("aria-labelledby") or "").removeprefix("p-")
            self.sections[self._section] = ""
        elif tag == "tbody":
            self._in_body = True
        elif tag == "tr" and self._in_body:
            self.rows.append([])
        elif tag in ("th", "td") and self._in_body:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "section":
            self._section = None
        elif tag == "tbody":
            self._in_body = False
        elif tag in ("th", "td") and self._cell is not None:
            self.rows[-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._section is not None:
            self.sections[self._section] += data
        if self._cell is not None:
            self._cell.append(data)

    def cohort_rows(self) -> dict[str, list[str]]:
        """Cohort id → the other cells of its row."""
        return {row[0]: row[1:] for row in self.rows}


def home(client: TestClient[Litestar], path: str = "/", **headers: str) -> HomePage:
    response = client.get(path, headers=headers)
    assert response.status_code == 200
    return HomePage(response.text)


def test_the_home_page_is_in_french_by_default(client: TestClient[Litestar]) -> None:
    page = home(client)

    assert page.lang == "fr"
    assert list(page.sections) == [ORT, OULAD]


def test_the_home_page_shows_the_ort_programme_with_its_funders_and_targets(
    client: TestClient[Litestar], simulated: SimulatedHistory
) -> None:
    ort = home(client).sections[ORT]

    assert ort.startswith("ORT France — compétences numériques pour l'emploi 2017–2018")
    assert "Financeurs Ville de Paris, Région Île-de-France" in ort
    assert "Période 2017-07-01 → 2018-12-31" in ort
    assert "1 200 personnes formées · 89 % en emploi ou en formation 6 mois après" in ort
    cohorts = len(simulated.cohort_ids)
    assert f"Cohortes {cohorts} · {simulated.enrolments} inscriptions" in ort


def test_the_simulated_ort_history_is_marked_next_to_the_programme_name(
    client: TestClient[Litestar],
) -> None:
    french, english = home(client).sections, home(client, "/?lang=en").sections

    assert french[ORT].startswith(
        "ORT France — compétences numériques pour l'emploi 2017–2018 Données simulées"
    )
    assert english[ORT].startswith(
        "ORT France — compétences numériques pour l'emploi 2017–2018 Simulated data"
    )
    assert "Données simulées" not in french[OULAD]


def test_the_home_page_counts_the_enrolments_of_every_oulad_cohort(
    client: TestClient[Litestar], oulad_sample: OuladSample
) -> None:
    page = home(client)
    rows = page.cohort_rows()

    assert {cohort: int(rows[cohort][2]) for cohort in oulad_sample.cohorts} == (
        oulad_sample.enrolled
    )
    total = sum(oulad_sample.enrolled.values())
    assert f"Cohortes {len(oulad_sample.cohorts)} · {total} inscriptions" in page.sections[OULAD]


def test_a_cohort_row_shows_its_track_dates_and_how_people_left(
    client: TestClient[Litestar], oulad_sample: OuladSample
) -> None:
    rows = home(client).cohort_rows()

    assert rows["DDD-2013J"] == [
        "OU module DDD",
        "2013-10-01 → 2014-06-19",  # courses.csv: 261 days
        str(oulad_sample.enrolled["DDD-2013J"]),
        str(oulad_sample.completed["DDD-2013J"]),
        str(oulad_sample.left_early["DDD-2013J"]),
    ]


def test_lang_en_in_the_query_gives_the_english_page(client: TestClient[Litestar]) -> None:
    page = home(client, "/?lang=en")

    assert page.lang == "en"
    assert "1,200 people trained · 89 % in work or training 6 months after" in page.sections[ORT]
    assert "Funders Ville de Paris, Région Île-de-France" in page.sections[ORT]


def test_a_browser_asking_for_english_gets_the_english_page(
    client: TestClient[Litestar],
) -> None:
    page = home(client, **{"Accept-Language": "en-GB,en;q=0.9,fr;q=0.5"})

    assert page.lang == "en"
    assert "1,200 people trained" in page.sections[ORT]
    assert "Simulated data" in page.sections[ORT]


def test_lang_in_the_query_wins_over_the_browser_preference(
    client: TestClient[Litestar],
) -> None:
    page = home(client, "/?lang=fr", **{"Accept-Language": "en"})

    assert page.lang == "fr"
    assert "1 200 personnes formées" in page.sections[ORT]


def test_the_browser_weights_decide_between_english_and_french(
    client: TestClient[Litestar],
) -> None:
    french = client.get("/", headers={"Accept-Language": "en;q=0.1, fr;q=0.9"})
    english = client.get("/?lang=EN")
    assert '<html lang="fr">' in french.text
    assert '<html lang="en">' in english.text


def test_french_counts_group_thousands_with_a_narrow_space(client: TestClient[Litestar]) -> None:
    assert "1\u202f200 personnes formées" in client.get("/").text


def test_each_programme_shows_its_outcomes_and_a_cohort_chart(
    client: TestClient[Litestar], oulad_sample: OuladSample
) -> None:
    page = client.get("/").text
    oulad = page[page.index('id="p-oulad"') :]
    assert f"<strong>{oulad_sample.students}</strong> personnes inscrites" in oulad
    assert '<svg class="chart" role="img"' in oulad
    assert '<title id="chart-oulad">Inscrits et formés par cohorte</title>' in oulad
    first = oulad_sample.cohorts[0]
    assert f"{oulad_sample.completed[first]}/{oulad_sample.enrolled[first]}</text>" in oulad


def test_a_programme_without_follow_up_says_so_next_to_its_zero(
    client: TestClient[Litestar],
) -> None:
    french = home(client)
    note = "personne n’est enregistré en emploi ou en formation après sa sortie"
    assert "0,0 %" in french.sections[OULAD]  # OULAD holds no follow-up at all
    assert note in french.sections[OULAD]
    assert note not in french.sections[ORT]  # the simulated ORT history follows people up
