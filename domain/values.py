"""Value objects shared by the aggregates, and the checks every command makes on them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from domain.errors import InvalidPeriod, InvalidValue, OccurredInFuture, ScoreOutOfScale


class LeftReason(StrEnum):
    COMPLETED = "completed"
    DROPPED_OUT = "dropped_out"
    FOUND_WORK = "found_work"
    OTHER = "other"


class FinalResult(StrEnum):
    """The cohort's own verdict on an enrolment, when it gives one."""

    DISTINCTION = "distinction"
    PASS = "pass"
    FAIL = "fail"


class ConsentScope(StrEnum):
    SHARE_WITH_JOBCENTRE = "share_with_jobcentre"
    LEADERBOARD = "leaderboard"
    SHARE_WITH_EMPLOYERS = "share_with_employers"  # employers matched with them see their profile
    SHARE_ON_WALL = "share_on_wall"  # their badges, certifications and hires on the cohort wall


class LeaderboardDisplay(StrEnum):
    NAME = "name"
    PSEUDONYM = "pseudonym"
    HIDDEN = "hidden"


class ContractType(StrEnum):
    CDI = "cdi"
    CDD = "cdd"
    INTERIM = "interim"
    APPRENTICESHIP = "apprenticeship"
    SELF_EMPLOYED = "self_employed"


class FollowUpStatus(StrEnum):
    """Where a person is at the six-month follow-up."""

    EMPLOYED = "employed"
    IN_TRAINING = "in_training"
    SEEKING_WORK = "seeking_work"
    INACTIVE = "inactive"
    UNREACHABLE = "unreachable"


@dataclass(frozen=True)
class PersonalDetails:
    """Everything about a person that identifies or describes them.

    Kept in its own field of an event so that it can be encrypted per person
    (and forgotten by deleting that person's key) without touching the facts.
    """

    full_name: str | None = None
    email: str | None = None
    phone: str | None = None
    gender: str | None = None
    age_band: str | None = None
    region: str | None = None
    highest_education: str | None = None
    deprivation_band: str | None = None
    disability: bool | None = None


@dataclass(frozen=True)
class Period:
    starts_on: date
    ends_on: date

    def __post_init__(self) -> None:
        if self.ends_on < self.starts_on:
            raise InvalidPeriod(
                "ends_on", f"the end ({self.ends_on}) is before the start ({self.starts_on})"
            )

    def contains(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on


def not_in_future(occurred_on: date, today: date) -> date:
    if occurred_on > today:
        raise OccurredInFuture("occurred_on", f"{occurred_on} is in the future (today is {today})")
    return occurred_on


def score_on_scale(field: str, score: float | None, low: float, high: float) -> float | None:
    """A score may be absent; when present it must lie on its scale."""
    if score is not None and not low <= score <= high:
        raise ScoreOutOfScale(field, f"{score:g} is outside the scale {low:g}–{high:g}")
    return score


def key(field: str, value: str) -> str:
    """An identifier people type (a cohort id, a person reference): no blanks around it.

    Refused rather than trimmed, so that the key checked is the key stored.
    """
    if not value or value != value.strip() or not value.isprintable():
        raise InvalidValue(field, f"{value!r} is not a valid identifier")
    return value


def required_text(field: str, value: str) -> str:
    cleaned = value.strip()
    if not cleaned:
        raise InvalidValue(field, "must not be empty")
    return cleaned
