"""Learning: modules, assessments, attendance, simulations, serious games, certifications.

These events belong to the trainee aggregate (a person's record); each names
the cohort of the enrolment it counts towards.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from eventsourcing.domain import Aggregate

from domain.errors import InvalidValue
from domain.values import key, required_text, score_on_scale

if TYPE_CHECKING:
    from domain.enrolment import Enrolment


class CertificationScheme(StrEnum):
    TOSA = "tosa"  # adaptive test scored 0–1000
    ICDL = "icdl"  # ICDL/ECDL module, scored in % with a 75% pass mark
    VENDOR = "vendor"  # Cisco, Microsoft, SAP, Salesforce, Oracle…


TOSA_LEVELS = (  # (lowest score, level), highest first
    (876, "expert"),
    (726, "avancé"),
    (551, "opérationnel"),
    (351, "basique"),
    (1, "initial"),
)
ICDL_PASS_MARK = 75.0


def tosa_level(score: float) -> str | None:
    """The TOSA level a score reaches; None below the lowest (score 0)."""
    return next((level for floor, level in TOSA_LEVELS if score >= floor), None)


class ModuleStarted(Aggregate.Event):
    cohort_id: str
    module_id: str
    occurred_on: date


class ModuleCompleted(Aggregate.Event):
    cohort_id: str
    module_id: str
    score: float | None
    occurred_on: date

    def apply(self, aggregate: Any) -> None:
        aggregate.enrolments[self.cohort_id].modules_completed.add(self.module_id)


class AssessmentSubmitted(Aggregate.Event):
    cohort_id: str
    assessment_id: str
    score: float | None  # absent when the assessment was submitted but not (yet) marked
    credited: bool  # banked: credited from an earlier attempt, not done in this cohort
    occurred_on: date

    def apply(self, aggregate: Any) -> None:
        aggregate.enrolments[self.cohort_id].assessments_submitted.add(self.assessment_id)


class SessionAttended(Aggregate.Event):
    cohort_id: str
    session_id: str
    occurred_on: date


class SimulationAttempted(Aggregate.Event):
    """A job simulation ("skillsbooting") attempt."""

    cohort_id: str
    simulation_id: str
    score: float
    occurred_on: date


class SeriousGamePlayed(Aggregate.Event):
    cohort_id: str
    game_id: str
    score: int
    occurred_on: date


class CertificationResultRecorded(Aggregate.Event):
    cohort_id: str
    scheme: CertificationScheme
    exam: str  # "TOSA Excel", "ICDL Base: Documents", "CCNA 200-301"…
    vendor: str | None
    score: float | None
    level: str | None
    passed: bool
    occurred_on: date


class LearningActions:
    """The trainee aggregate's learning commands (mixed into `Trainee`)."""

    if TYPE_CHECKING:

        def trigger_event(self, event_class: Any, **kwargs: Any) -> None: ...
        def enrolment(self, cohort_id: str) -> Enrolment: ...

    def start_module(self, cohort_id: str, module_id: str, occurred_on: date) -> None:
        self._learning_enrolment(cohort_id, occurred_on, "starting a module")
        self.trigger_event(
            ModuleStarted,
            cohort_id=cohort_id,
            module_id=key("module_id", module_id),
            occurred_on=occurred_on,
        )

    def complete_module(
        self, cohort_id: str, module_id: str, score: float | None, occurred_on: date
    ) -> None:
        self._learning_enrolment(cohort_id, occurred_on, "completing a module")
        self.trigger_event(
            ModuleCompleted,
            cohort_id=cohort_id,
            module_id=key("module_id", module_id),
            score=score_on_scale("score", score, 0, 100),
            occurred_on=occurred_on,
        )

    def submit_assessment(
        self,
        cohort_id: str,
        assessment_id: str,
        score: float | None,
        credited: bool,
        occurred_on: date,
    ) -> None:
        enrolment = self.enrolment(cohort_id)
        if credited:  # earned in an earlier attempt, possibly before this enrolment
            enrolment.ensure_not_after_leaving(occurred_on, "a credited result")
        else:
            enrolment.ensure_covers(occurred_on, "a submission")
        self.trigger_event(
            AssessmentSubmitted,
            cohort_id=cohort_id,
            assessment_id=key("assessment_id", assessment_id),
            score=score_on_scale("score", score, 0, 100),
            credited=credited,
            occurred_on=occurred_on,
        )

    def attend_session(self, cohort_id: str, session_id: str, occurred_on: date) -> None:
        self._learning_enrolment(cohort_id, occurred_on, "attending a session")
        self.trigger_event(
            SessionAttended,
            cohort_id=cohort_id,
            session_id=key("session_id", session_id),
            occurred_on=occurred_on,
        )

    def attempt_simulation(
        self, cohort_id: str, simulation_id: str, score: float, occurred_on: date
    ) -> None:
        self._learning_enrolment(cohort_id, occurred_on, "a job simulation")
        self.trigger_event(
            SimulationAttempted,
            cohort_id=cohort_id,
            simulation_id=key("simulation_id", simulation_id),
            score=score_on_scale("score", score, 0, 100),
            occurred_on=occurred_on,
        )

    def play_serious_game(
        self, cohort_id: str, game_id: str, score: int, occurred_on: date
    ) -> None:
        self._learning_enrolment(cohort_id, occurred_on, "a serious game")
        if score < 0:
            raise InvalidValue("score", f"a game score cannot be negative ({score})")
        self.trigger_event(
            SeriousGamePlayed,
            cohort_id=cohort_id,
            game_id=key("game_id", game_id),
            score=score,
            occurred_on=occurred_on,
        )

    def record_certification(
        self,
        cohort_id: str,
        scheme: CertificationScheme,
        exam: str,
        score: float | None,
        occurred_on: date,
        *,
        vendor: str | None = None,
        passed: bool | None = None,
    ) -> None:
        self._learning_enrolment(cohort_id, occurred_on, "a certification")
        level, passed = _certification_outcome(scheme, score, vendor, passed)
        self.trigger_event(
            CertificationResultRecorded,
            cohort_id=cohort_id,
            scheme=scheme,
            exam=required_text("exam", exam),
            vendor=vendor,
            score=score,
            level=level,
            passed=passed,
            occurred_on=occurred_on,
        )

    def _learning_enrolment(self, cohort_id: str, day: date, what: str) -> Enrolment:
        enrolment = self.enrolment(cohort_id)
        enrolment.ensure_covers(day, what)
        return enrolment


def _certification_outcome(
    scheme: CertificationScheme, score: float | None, vendor: str | None, passed: bool | None
) -> tuple[str | None, bool]:
    """Level and pass/fail by the scheme's own rules; a vendor exam states its own result."""
    if scheme is CertificationScheme.TOSA:
        if score is None:
            raise InvalidValue("score", "a TOSA result needs its score (0–1000)")
        score_on_scale("score", score, 0, 1000)
        level = tosa_level(score)
        return level, level is not None
    if scheme is CertificationScheme.ICDL:
        if score is None:
            raise InvalidValue("score", "an ICDL module result needs its score (0–100%)")
        score_on_scale("score", score, 0, 100)
        return None, score >= ICDL_PASS_MARK
    if not vendor or not vendor.strip():
        raise InvalidValue("vendor", "a vendor exam names its vendor (Cisco, Microsoft, SAP…)")
    if passed is None:
        raise InvalidValue("passed", "a vendor exam result says whether it was passed")
    score_on_scale("score", score, 0, 1000)
    return None, passed
