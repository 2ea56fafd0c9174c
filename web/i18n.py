"""French first, English available: the language of a request and the words of the pages.

A small table for now; the trainee app moves these to gettext catalogues (Babel).
"""

from __future__ import annotations

from typing import Any

from litestar import Request

LANGUAGES = ("fr", "en")

MESSAGES: dict[str, dict[str, str]] = {
    "tagline": {
        "fr": "Former, accompagner et suivre jusqu'à l'emploi.",
        "en": "Train, coach and follow people into work.",
    },
    "programmes": {"fr": "Programmes", "en": "Programmes"},
    "funders": {"fr": "Financeurs", "en": "Funders"},
    "period": {"fr": "Période", "en": "Period"},
    "targets": {"fr": "Objectifs", "en": "Targets"},
    "people_trained": {"fr": "personnes formées", "en": "people trained"},
    "in_work_6m": {
        "fr": "en emploi ou en formation 6 mois après",
        "en": "in work or training 6 months after",
    },
    "cohorts": {"fr": "Cohortes", "en": "Cohorts"},
    "cohort": {"fr": "Cohorte", "en": "Cohort"},
    "track": {"fr": "Parcours", "en": "Track"},
    "dates": {"fr": "Dates", "en": "Dates"},
    "enrolled": {"fr": "Inscrits", "en": "Enrolled"},
    "completed": {"fr": "Terminé", "en": "Completed"},
    "left_early": {"fr": "Sortis sans terminer", "en": "Left without completing"},
    "no_cohorts": {"fr": "Aucune cohorte ouverte pour l'instant.", "en": "No cohort opened yet."},
    "no_programmes": {
        "fr": "Aucun programme. Lancez « tremplin init ».",
        "en": "No programme yet. Run “tremplin init”.",
    },
    "enrolments": {"fr": "inscriptions", "en": "enrolments"},
    "language": {"fr": "English", "en": "Français"},
    "skip": {"fr": "Aller au contenu", "en": "Skip to content"},
    "figures": {"fr": "Résultats à ce jour", "en": "Outcomes to date"},
    "fig_enrolled": {"fr": "personnes inscrites", "en": "people enrolled"},
    "fig_completed": {"fr": "formées", "en": "trained"},
    "fig_certified": {"fr": "certifiées", "en": "certified"},
    "fig_left": {"fr": "sorties", "en": "left"},
    "fig_6m": {
        "fr": "en emploi ou en formation 6 mois après la sortie",
        "en": "in work or training 6 months after leaving",
    },
    "of_target": {"fr": "objectif", "en": "target"},
    "no_window": {"fr": "aucune sortie depuis 6 mois encore", "en": "no one left 6 months ago yet"},
    "chart_title": {
        "fr": "Inscrits et formés par cohorte",
        "en": "Enrolled and trained per cohort",
    },
    "updated_to": {"fr": "À jour jusqu'à l'événement", "en": "Up to date with event"},
}


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


def translator(language: str) -> dict[str, str]:
    return {key: texts[language] for key, texts in MESSAGES.items()}
