"""The fixed material the simulator draws from: tracks, job centres, employers, fake names.

Every name here is invented, and the surnames say so (Exemple, Fictif, Simulé…):
a simulated person can never be mistaken for a real one.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.learning import CertificationScheme
from domain.values import ContractType, FollowUpStatus
from projections.job_offers import OTHER_TRACK_ROME, TRACK_ROME

GENERATOR = "tremplin-simulator/2"  # a change to what a seed generates is a new version


@dataclass(frozen=True)
class Exam:
    scheme: CertificationScheme
    name: str
    vendor: str | None = None


@dataclass(frozen=True)
class Track:
    """What a career's cohorts learn and where they apply."""

    weeks: int
    modules: tuple[str, ...]
    rome_codes: tuple[str, ...]  # of the offers they apply for, from the trainees' `TRACK_ROME`
    offer_title: str
    skills: tuple[str, ...]
    exams: tuple[Exam, ...]  # the first one is the path's certification step


def _tosa(subject: str) -> Exam:
    return Exam(CertificationScheme.TOSA, f"TOSA {subject}")


def _icdl(module: str) -> Exam:
    return Exam(CertificationScheme.ICDL, f"ICDL {module}")


def _vendor(vendor: str, exam: str) -> Exam:
    return Exam(CertificationScheme.VENDOR, f"{vendor} {exam}", vendor)


FIRST_MODULE, LAST_MODULE = "digital-basics", "job-search-online"  # in every track
TRACKS: dict[str, Track] = {
    "developer": Track(
        20,
        ("html-css", "javascript", "python", "sql", "git", "web-project"),
        TRACK_ROME["developer"],
        "Développeur·se web junior",
        ("html", "javascript", "python", "sql"),
        (_tosa("Python"), _vendor("Microsoft", "Azure Fundamentals"), _vendor("Oracle", "Java")),
    ),
    "analyst": Track(
        16,
        ("spreadsheets", "sql", "data-visualisation", "statistics", "reporting"),
        TRACK_ROME["analyst"],
        "Analyste de données junior",
        ("excel", "sql", "power bi"),
        (_tosa("Excel"), _vendor("Microsoft", "Power BI Data Analyst"), _vendor("SAP", "BW")),
    ),
    "consultant": Track(
        14,
        ("business-processes", "erp-basics", "requirements", "workshops"),
        TRACK_ROME["consultant"],
        "Consultant·e fonctionnel·le junior",
        ("erp", "recueil du besoin", "conduite du changement"),
        (_tosa("Excel"), _vendor("SAP", "S/4HANA"), _vendor("Salesforce", "Administrator")),
    ),
    "project manager": Track(
        14,
        ("project-methods", "agile", "planning", "budget", "stakeholders"),
        TRACK_ROME["project manager"],
        "Chef·fe de projet digital junior",
        ("agile", "planning", "pilotage"),
        (_tosa("Project"), _icdl("Gestion de projets"), _vendor("Microsoft", "Project")),
    ),
    "community manager": Track(
        12,
        ("social-networks", "content-writing", "visual-design", "moderation"),
        TRACK_ROME["community manager"],
        "Community manager",
        ("réseaux sociaux", "rédaction web", "canva"),
        (_tosa("Digital"), _icdl("Essentiels du Web")),
    ),
    "digital brand manager": Track(
        12,
        ("brand-strategy", "content-marketing", "social-ads", "e-reputation"),
        TRACK_ROME["digital brand manager"],
        "Chargé·e de marque digitale",
        ("stratégie de marque", "publicité en ligne"),
        (_tosa("Digital"), _icdl("Marketing digital")),
    ),
    "digital analyst": Track(
        16,
        ("web-analytics", "tag-management", "dashboards", "a-b-testing", "sql"),
        TRACK_ROME["digital analyst"],
        "Analyste web",
        ("web analytics", "tableaux de bord", "sql"),
        (_tosa("Excel"), _vendor("Microsoft", "Power BI Data Analyst")),
    ),
    "web marketer": Track(
        12,
        ("seo", "sea", "emailing", "e-commerce"),
        TRACK_ROME["web marketer"],
        "Webmarketeur·se",
        ("seo", "sea", "emailing"),
        (_tosa("Digital"), _icdl("Marketing digital"), _vendor("Salesforce", "Marketing Cloud")),
    ),
}
DEFAULT_TRACK = Track(
    14,
    ("digital-project",),
    OTHER_TRACK_ROME,
    "Technicien·ne support numérique",
    ("support", "bureautique"),
    (_tosa("Digital"), _icdl("Essentiels de l'ordinateur"), _vendor("Cisco", "IT Essentials")),
)

JOB_CENTRES = {  # France Travail agencies referring people: code → name
    "75-PARIS-13": "Paris 13e",
    "75-PARIS-18": "Paris 18e",
    "75-PARIS-20": "Paris 20e",
    "93-SAINT-DENIS": "Saint-Denis",
    "93-MONTREUIL": "Montreuil",
    "92-NANTERRE": "Nanterre",
    "94-CRETEIL": "Créteil",
    "95-ARGENTEUIL": "Argenteuil",
    "91-EVRY": "Évry-Courcouronnes",
}
PLACES = ("Paris", "Saint-Denis", "Nanterre", "Montreuil", "Créteil", "Boulogne-Billancourt")
SECTORS = ("numérique", "conseil", "commerce", "banque", "médias", "industrie", "association")
EMPLOYER_WORDS = (
    ("Atelier", "Studio", "Agence", "Groupe", "Coopérative", "Laboratoire", "Maison"),
    ("Pixel", "Octet", "Nuage", "Boussole", "Tremplin", "Horizon", "Passerelle", "Lanterne"),
)

FEMALE_NAMES = (
    "Amina", "Camille", "Chloé", "Fatou", "Inès", "Julie", "Léa", "Lina", "Manon", "Nadia",
    "Sarah", "Yasmine", "Zoé", "Aïcha", "Clara", "Emma",
)  # fmt: skip
MALE_NAMES = (
    "Adam", "Bilal", "Hugo", "Karim", "Lucas", "Mamadou", "Mehdi", "Nathan", "Omar", "Paul",
    "Rayan", "Samuel", "Théo", "Yanis", "Louis", "Ibrahim",
)  # fmt: skip
FAKE_SURNAMES = (
    "Exemple", "Fictif", "Simulé", "Essai", "Témoin", "Maquette", "Modèle", "Prototype",
    "Brouillon", "Démo",
)  # fmt: skip
PSEUDONYM_WORDS = (
    ("Lynx", "Colibri", "Renard", "Koala", "Faucon", "Loutre", "Panda", "Hibou"),
    ("Agile", "Curieux", "Rapide", "Malin", "Zen", "Vif", "Tenace", "Lumineux"),
)
AGE_BANDS = (("18-25", 0.38), ("26-49", 0.52), ("50+", 0.10))
EDUCATION = (
    ("Sans diplôme", 0.12),
    ("CAP/BEP", 0.18),
    ("Bac", 0.34),
    ("Bac+2", 0.2),
    ("Bac+3 et plus", 0.16),
)

SERIOUS_GAMES = ("cyber-quest", "data-detective", "pitch-master", "code-escape")
COACHING_TOPICS = ("cv", "interview", "job_search", "motivation", "certification", "mobility")
GOAL_CATEGORIES = ("cv", "interview", "certification", "job_search", "mobility")
FURTHER_TRAINING = (
    "BTS SIO",
    "Titre professionnel Développeur web et web mobile",
    "Licence professionnelle métiers du numérique",
    "Titre professionnel Concepteur développeur d'applications",
    "Bachelor marketing digital (alternance)",
)

# Shares, each summing to 1.
CONTRACTS = (
    (ContractType.CDI, 0.40),
    (ContractType.CDD, 0.28),
    (ContractType.INTERIM, 0.12),
    (ContractType.APPRENTICESHIP, 0.14),
    (ContractType.SELF_EMPLOYED, 0.06),
)
NOT_IN_WORK = (
    (FollowUpStatus.SEEKING_WORK, 0.6),
    (FollowUpStatus.INACTIVE, 0.15),
    (FollowUpStatus.UNREACHABLE, 0.25),
)
