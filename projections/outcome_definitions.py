"""The outcome figures funders audit: what each one counts, over what, when — and the rules.

Every figure counts PEOPLE of one programme (or of one cohort of it) on the
occurred clock: `as_of` is a day in the world, and only facts that occurred on
or before it count. Which facts we knew is a second, recorded clock (`known_at`),
applied before these rules by the queries (projections/outcome_figures.py).

The leaving-based figures (`left` and the two in-work figures) take each person
once, by their LAST exit: a person is a leaver when every enrolment of theirs in
scope has ended, and their exit is the latest of those endings. A person who
re-enrols is back in training until that enrolment ends.

The definitions come in versions (`VERSIONS`, oldest first): changing what a
figure counts means adding a version, never editing an adopted one, so that a
report names the version it used and an auditor can recount a past period under
any of them. Each version is sealed with the fingerprint of its definitions and
rules; tests/unit/test_outcome_definitions.py fails when a sealed one changes.
"""

from __future__ import annotations

import calendar
import dataclasses
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from domain.errors import NotFound

UPON_LEAVING_DAYS = 28  # "within 4 weeks of leaving": the leaving day plus 28 days
FOLLOW_UP_GRACE_DAYS = 28  # a six-month follow-up may be taken up to 4 weeks after the date
IN_WORK_OR_TRAINING = frozenset({"employed", "in_training"})  # FollowUpStatus values


class Unit(StrEnum):
    PEOPLE = "people"
    ENROLMENTS = "enrolments"


class Clock(StrEnum):
    OCCURRED = "occurred"
    RECORDED = "recorded"


class SixMonthsOver(StrEnum):
    """Whom the six-month figure counts over."""

    LEAVERS = "leavers"  # everyone who left
    TRAINED = "trained"  # those who left having completed at least one enrolment in scope


@dataclass(frozen=True)
class FigureDefinition:
    key: str
    unit: Unit
    numerator: str
    denominator: str | None  # None: a count, not a rate
    window: str
    clock: Clock
    label_fr: str
    label_en: str
    target: str | None = None  # the programme target (Programme.Launched.targets) it meets

    # The texts in French (`IN_FRENCH`, below): properties, not fields, so outside the seal.
    @property
    def numerator_fr(self) -> str:
        return IN_FRENCH.get(self.numerator, self.numerator)

    @property
    def denominator_fr(self) -> str | None:
        return IN_FRENCH.get(self.denominator, self.denominator) if self.denominator else None

    @property
    def window_fr(self) -> str:
        return IN_FRENCH.get(self.window, self.window)

    @property
    def clock_fr(self) -> str:
        return CLOCKS_FR[self.clock]


ENROLLED = FigureDefinition(
    "enrolled",
    Unit.PEOPLE,
    "people with at least one enrolment in scope that occurred on or before as_of",
    None,
    "from the programme's start to as_of",
    Clock.OCCURRED,
    "Personnes entrées en formation.",
    "People who enrolled.",
)
COMPLETED = FigureDefinition(
    "completed",
    Unit.PEOPLE,
    "people with at least one enrolment in scope that ended with reason `completed`"
    " on or before as_of (trained once is trained: a later re-enrolment does not undo it)",
    None,
    "from the programme's start to as_of",
    Clock.OCCURRED,
    "Personnes formées : sorties en ayant achevé leur formation.",
    "People trained: they left having completed their training.",
    target="people_trained",
)
CERTIFIED = FigureDefinition(
    "certified",
    Unit.PEOPLE,
    "people with at least one passed certification, recorded in a cohort in scope,"
    " that occurred on or before as_of",
    None,
    "from the programme's start to as_of",
    Clock.OCCURRED,
    "Personnes ayant obtenu au moins une certification.",
    "People who passed at least one certification.",
)
LEFT = FigureDefinition(
    "left",
    Unit.PEOPLE,
    "people all of whose enrolments in scope ended on or before as_of, once each, by their"
    " last exit (a person re-enrolled on as_of is in training, not a leaver)",
    None,
    "from the programme's start to as_of",
    Clock.OCCURRED,
    "Personnes sorties du programme (comptées une fois, à leur dernière sortie).",
    "People who left the programme (counted once, at their last exit).",
)
IN_WORK_OR_TRAINING_UPON_LEAVING = FigureDefinition(
    "in_work_or_training_upon_leaving",
    Unit.PEOPLE,
    "leavers in the denominator with a hire or further training starting between the start"
    " of their last enrolment and 28 days after their exit, or a follow-up `employed` or"
    " `in_training` taken within those 28 days (each fact occurring by the window's close)",
    "leavers whose exit + 28 days is on or before as_of",
    "the exit day to the exit day + 28 days",
    Clock.OCCURRED,
    "Personnes en emploi ou en formation dans les 4 semaines suivant leur sortie.",
    "People in work or training within 4 weeks of leaving.",
)
IN_WORK_OR_TRAINING_6M = FigureDefinition(
    "in_work_or_training_6m",
    Unit.PEOPLE,
    "leavers in the denominator in work or training six months after their exit: the"
    " earliest follow-up taken from the six-month date to 28 days after it decides"
    " (`employed` or `in_training`); without one, a hire or further training starting"
    " between the start of their last enrolment and the six-month date counts",
    "leavers whose six-month date + 28 days is on or before as_of",
    "the six-month date (same day six months after the exit, clamped to the month's end)"
    " to that date + 28 days",
    Clock.OCCURRED,
    "Personnes en emploi ou en formation six mois après leur sortie.",
    "People in work or training six months after leaving.",
    target="in_work_or_training_6m_rate",
)
IN_WORK_OR_TRAINING_6M_OF_TRAINED = dataclasses.replace(
    IN_WORK_OR_TRAINING_6M,
    numerator="people trained in the denominator in work or training six months after their"
    " exit: the earliest follow-up taken from the six-month date to 28 days after it decides"
    " (`employed` or `in_training`); without one, a hire or further training starting"
    " between the start of their last enrolment and the six-month date counts",
    denominator="people trained (at least one enrolment in scope ended `completed`) who left,"
    " whose six-month date + 28 days is on or before as_of",
    label_fr="Personnes formées en emploi ou en formation six mois après leur sortie.",
    label_en="People trained in work or training six months after leaving.",
)

# What the definitions' texts say, in French, for the audit pages and the pack's report. Not
# sealed, like a version's `change_fr`: the fingerprint covers what is counted, in the English
# the version was adopted with; these say the same for a French reader. A test checks that
# every text of every version has one.
IN_FRENCH = {
    ENROLLED.numerator: "personnes ayant au moins une inscription dans le périmètre, survenue"
    " au plus tard à la date as_of",
    ENROLLED.window: "du début du programme à la date as_of",
    COMPLETED.numerator: "personnes dont au moins une inscription dans le périmètre s'est"
    " terminée avec le motif `completed` (formation achevée) au plus tard à la date as_of"
    " (formée une fois, formée pour de bon : une réinscription ultérieure ne l'annule pas)",
    CERTIFIED.numerator: "personnes ayant au moins une certification réussie, enregistrée dans"
    " une cohorte du périmètre, survenue au plus tard à la date as_of",
    LEFT.numerator: "personnes dont toutes les inscriptions dans le périmètre se sont terminées"
    " au plus tard à la date as_of, comptées une fois chacune, à leur dernière sortie (une"
    " personne réinscrite à la date as_of est en formation, pas sortie)",
    IN_WORK_OR_TRAINING_UPON_LEAVING.numerator: "personnes sorties comptées au dénominateur"
    " avec une embauche ou une autre formation commençant entre le début de leur dernière"
    " inscription et 28 jours après leur sortie, ou un suivi `employed` (en emploi) ou"
    " `in_training` (en formation) relevé dans ces 28 jours (chaque fait survenu au plus tard"
    " à la fin de la fenêtre)",
    IN_WORK_OR_TRAINING_UPON_LEAVING.denominator: "personnes sorties dont le jour de sortie"
    " + 28 jours tombe au plus tard à la date as_of",
    IN_WORK_OR_TRAINING_UPON_LEAVING.window: "du jour de sortie au jour de sortie + 28 jours",
    IN_WORK_OR_TRAINING_6M.numerator: "personnes sorties comptées au dénominateur en emploi ou"
    " en formation six mois après leur sortie : le premier suivi relevé entre la date des six"
    " mois et 28 jours après décide (`employed` ou `in_training`) ; à défaut, une embauche ou"
    " une autre formation commençant entre le début de leur dernière inscription et la date"
    " des six mois compte",
    IN_WORK_OR_TRAINING_6M.denominator: "personnes sorties dont la date des six mois + 28 jours"
    " tombe au plus tard à la date as_of",
    IN_WORK_OR_TRAINING_6M.window: "de la date des six mois (le même jour six mois après la"
    " sortie, ramené au dernier jour du mois s'il n'existe pas) à cette date + 28 jours",
    IN_WORK_OR_TRAINING_6M_OF_TRAINED.numerator: "personnes formées comptées au dénominateur"
    " en emploi ou en formation six mois après leur sortie : le premier suivi relevé entre la"
    " date des six mois et 28 jours après décide (`employed` ou `in_training`) ; à défaut, une"
    " embauche ou une autre formation commençant entre le début de leur dernière inscription"
    " et la date des six mois compte",
    IN_WORK_OR_TRAINING_6M_OF_TRAINED.denominator: "personnes formées (au moins une"
    " inscription dans le périmètre terminée `completed`) et sorties, dont la date des six"
    " mois + 28 jours tombe au plus tard à la date as_of",
}
CLOCKS_FR = {
    Clock.OCCURRED: "des faits (le jour où chaque fait a eu lieu)",
    Clock.RECORDED: "d'enregistrement (le moment où chaque fait a été enregistré)",
}


@dataclass(frozen=True)
class Rules:
    """The parameters `assess` reads: what a version decides beyond its texts."""

    upon_leaving_days: int = UPON_LEAVING_DAYS
    follow_up_grace_days: int = FOLLOW_UP_GRACE_DAYS
    in_work_or_training: tuple[str, ...] = tuple(sorted(IN_WORK_OR_TRAINING))
    six_months_over: SixMonthsOver = SixMonthsOver.LEAVERS


@dataclass(frozen=True)
class DefinitionSet:
    """One adopted version of the figures: what each counts, and the rules that count it.

    `sealed` is the fingerprint the version had when it was adopted; a test
    recomputes it, so an adopted version cannot change unnoticed.
    """

    version: str
    adopted_on: date
    change: str  # one English sentence: what changed from the previous version
    definitions: tuple[FigureDefinition, ...]
    rules: Rules
    sealed: str
    change_fr: str = ""  # the same sentence in French, for the auditor's page

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(definition.key for definition in self.definitions)


def fingerprint(definition_set: DefinitionSet) -> str:
    """SHA-256 of the definitions and rules as canonical JSON (not of the version's name,
    date or note: two versions that count the same way have the same fingerprint)."""
    content = {
        "definitions": [dataclasses.asdict(d) for d in definition_set.definitions],
        "rules": dataclasses.asdict(definition_set.rules),
    }
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


VERSIONS = (
    DefinitionSet(
        "outcomes-2026-12-1",
        date(2026, 12, 1),
        "First version: six figures counting people, by their last exit, on the occurred clock.",
        (
            ENROLLED,
            COMPLETED,
            CERTIFIED,
            LEFT,
            IN_WORK_OR_TRAINING_UPON_LEAVING,
            IN_WORK_OR_TRAINING_6M,
        ),
        Rules(six_months_over=SixMonthsOver.LEAVERS),
        sealed="4eaeb2ab2197f6caac7620fe2a6155d3856b68d7c48dc765fca0846c242704a5",
        change_fr="Première version : six chiffres qui comptent des personnes, à leur dernière"
        " sortie, sur l'horloge des faits.",
    ),
    # The pledge promises "re-insertion in the job market of at least 89% of the people
    # trained": a leaver who did not complete is outside that promise.
    DefinitionSet(
        "outcomes-2026-12-2",
        date(2026, 12, 4),
        "The six-month figure counts over people trained who left (at least one enrolment"
        " completed), as the pledge's 89% does, instead of over every leaver.",
        (
            ENROLLED,
            COMPLETED,
            CERTIFIED,
            LEFT,
            IN_WORK_OR_TRAINING_UPON_LEAVING,
            IN_WORK_OR_TRAINING_6M_OF_TRAINED,
        ),
        Rules(six_months_over=SixMonthsOver.TRAINED),
        sealed="750f97a07881986d4da18cbfad4253651fdc91b668b79f337c7172b7eb8b941e",
        change_fr="Le chiffre à six mois compte les personnes formées sorties (au moins une"
        " formation achevée), comme les 89 % de l'engagement, et non plus toutes les sorties.",
    ),
)
CURRENT = VERSIONS[-1]
DEFINITIONS = CURRENT.definitions
DEFINITIONS_VERSION = CURRENT.version
KEYS = CURRENT.keys  # every version counts these figures; their meaning is what changes


def definition_set(version: str) -> DefinitionSet:
    """The adopted version called `version`; raises NotFound naming the known ones."""
    for candidate in VERSIONS:
        if candidate.version == version:
            return candidate
    known = ", ".join(v.version for v in VERSIONS)
    raise NotFound(f"no outcome definitions version {version!r} (known: {known})")


def six_months_after(day: date) -> date:
    """The same day six months later, clamped to that month's last day (08-31 → 02-28/29)."""
    months = day.month - 1 + 6
    year, month = day.year + months // 12, months % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class EnrolmentFact:
    """One enrolment as known on the day asked: `left_on` is None while it has not ended."""

    cohort_id: str
    enrolled_on: date
    enrolled_position: int
    left_on: date | None = None
    left_position: int | None = None
    reason: str | None = None


@dataclass(frozen=True)
class PersonFact:
    """A certification passed, a hire, a further training or a follow-up of one person."""

    kind: str  # certified | hired | further_training | follow_up
    occurred_on: date
    position: int
    cohort_id: str | None = None  # certifications and follow-ups name their cohort
    status: str | None = None  # a follow-up's status
    starts_on: date | None = None  # a hire's or a training's first day


@dataclass(frozen=True)
class Counted:
    """Whether one person is in a figure's denominator and numerator, and the positions why."""

    eligible: bool
    counted: bool
    positions: tuple[int, ...] = ()


NOT_COUNTED = Counted(False, False)


def assess(
    enrolments: Sequence[EnrolmentFact],
    facts: Sequence[PersonFact],
    as_of: date,
    rules: Rules = CURRENT.rules,
) -> dict[str, Counted]:
    """Where one person stands in every figure, given their enrolments in scope and facts.

    The caller passes only what occurred on or before `as_of` (and was known by
    `known_at`); `as_of` here decides which windows have closed.
    """
    if not enrolments:
        return dict.fromkeys(KEYS, NOT_COUNTED)
    cohorts = {e.cohort_id for e in enrolments}
    exits = [e.left_position for e in enrolments if e.left_position is not None]
    completions = [
        e.left_position for e in enrolments if e.reason == "completed" and e.left_position
    ]
    has_left = len(exits) == len(enrolments)
    upon_leaving = six_months = NOT_COUNTED
    if has_left:
        last = _last_exit(enrolments)
        upon_leaving = _upon_leaving(last, facts, as_of, rules)
        if rules.six_months_over is SixMonthsOver.LEAVERS:
            six_months = _six_months(last, facts, as_of, rules)
        elif completions:  # trained: the completing exits are part of why they count
            six_months = _also(_six_months(last, facts, as_of, rules), completions)
    return {
        ENROLLED.key: _counted([e.enrolled_position for e in enrolments]),
        COMPLETED.key: _counted(completions),
        CERTIFIED.key: _counted(
            [f.position for f in facts if f.kind == "certified" and f.cohort_id in cohorts]
        ),
        LEFT.key: _counted(exits if has_left else []),
        IN_WORK_OR_TRAINING_UPON_LEAVING.key: upon_leaving,
        IN_WORK_OR_TRAINING_6M.key: six_months,
    }


MISSED = Counted(True, False)  # in the population, not in the count


def _counted(positions: list[int]) -> Counted:
    return Counted(True, True, tuple(sorted(positions))) if positions else MISSED


def _also(counted: Counted, positions: list[int]) -> Counted:
    """A count that also rests on `positions`; nothing changes for one that did not count."""
    if not counted.counted:
        return counted
    return Counted(True, True, tuple(sorted({*counted.positions, *positions})))


@dataclass(frozen=True)
class _Exit:
    """A leaver's last exit, and the start of the enrolment it ended."""

    enrolled_on: date
    left_on: date
    position: int


def _last_exit(ended: Sequence[EnrolmentFact]) -> _Exit:
    """The latest exit among enrolments that have all ended (the later position breaks ties)."""
    exits = [
        _Exit(e.enrolled_on, e.left_on, e.left_position)
        for e in ended
        if e.left_on is not None and e.left_position is not None
    ]
    return max(exits, key=lambda exit: (exit.left_on, exit.position))


def _upon_leaving(last: _Exit, facts: Sequence[PersonFact], as_of: date, rules: Rules) -> Counted:
    closes_on = last.left_on + timedelta(days=rules.upon_leaving_days)
    if closes_on > as_of:
        return NOT_COUNTED
    starts = _started(facts, last.enrolled_on, closes_on, closes_on)
    follow_ups = [
        f
        for f in facts
        if f.kind == "follow_up"
        and f.status in rules.in_work_or_training
        and last.left_on <= f.occurred_on <= closes_on
    ]
    found = [f.position for f in (*starts, *follow_ups)]
    return Counted(True, bool(found), tuple(sorted([last.position, *found])) if found else ())


def _six_months(last: _Exit, facts: Sequence[PersonFact], as_of: date, rules: Rules) -> Counted:
    six_months = six_months_after(last.left_on)
    closes_on = six_months + timedelta(days=rules.follow_up_grace_days)
    if closes_on > as_of:
        return NOT_COUNTED
    follow_ups = sorted(
        (f for f in facts if f.kind == "follow_up" and six_months <= f.occurred_on <= closes_on),
        key=lambda f: (f.occurred_on, f.position),
    )
    if follow_ups:  # the person's own answer at six months outranks an earlier hire
        deciding = follow_ups[0]
        if deciding.status not in rules.in_work_or_training:
            return MISSED
        return Counted(True, True, tuple(sorted([last.position, deciding.position])))
    starts = _started(facts, last.enrolled_on, six_months, closes_on)
    if not starts:
        return MISSED
    return Counted(True, True, tuple(sorted([last.position, *(f.position for f in starts)])))


def _started(
    facts: Sequence[PersonFact], earliest: date, latest: date, occurred_by: date
) -> list[PersonFact]:
    """Hires and further trainings starting in [earliest, latest], agreed by `occurred_by`."""
    return [
        f
        for f in facts
        if f.kind in ("hired", "further_training")
        and f.starts_on is not None
        and earliest <= f.starts_on <= latest
        and f.occurred_on <= occurred_by
    ]
