"""Broken business rules, each with a message a trainee or a staff member can act on."""

from __future__ import annotations


class DomainError(Exception):
    """A command broke a rule of the programme; nothing was recorded."""

    code = "domain-error"


class NotFound(DomainError):
    code = "not-found"


class AlreadyExists(DomainError):
    code = "already-exists"


class InvalidValue(DomainError, ValueError):
    """A value is outside what the programme accepts (a score off its scale, an empty name…).

    Also a ValueError, so that a decoder reading a stored value reports it as unreadable.
    """

    code = "invalid-value"

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


class OccurredInFuture(InvalidValue):
    code = "occurred-in-future"


class InvalidPeriod(InvalidValue):
    code = "invalid-period"


class ScoreOutOfScale(InvalidValue):
    code = "score-out-of-scale"


class CohortClosed(DomainError):
    code = "cohort-closed"


class CohortOutsideProgramme(DomainError):
    code = "cohort-outside-programme"


class AlreadyEnrolled(DomainError):
    code = "already-enrolled"


class NotEnrolled(DomainError):
    code = "not-enrolled"


class AlreadyLeft(DomainError):
    code = "already-left"


class MilestoneAlreadyCompleted(DomainError):
    code = "milestone-already-completed"


class ConsentNotGiven(DomainError):
    code = "consent-not-given"


class GoalNotSet(DomainError):
    code = "goal-not-set"


class OfferClosed(DomainError):
    code = "offer-closed"


class CommandConflict(DomainError):
    """The same command id was already used for a different command."""

    code = "command-conflict"


class NotADemoDatabase(DomainError):
    """Demo data (demo accounts) only goes into a log that began as a demo."""

    code = "not-a-demo-database"
