"""One person's place in one cohort, as the trainee aggregate tracks it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from domain.errors import AlreadyLeft, InvalidValue
from domain.values import FinalResult, LeftReason


@dataclass
class Enrolment:
    programme_code: str
    cohort_id: str
    enrolled_on: date
    left_on: date | None = None
    left_reason: LeftReason | None = None
    final_result: FinalResult | None = None
    modules_completed: set[str] = field(default_factory=set)
    assessments_submitted: set[str] = field(default_factory=set)
    followed_up: bool = False

    @property
    def is_active(self) -> bool:
        return self.left_on is None

    def ensure_not_before_enrolment(self, day: date, what: str) -> None:
        if day < self.enrolled_on:
            raise InvalidValue(
                "occurred_on",
                f"{what} on {day} is before the enrolment in {self.cohort_id}"
                f" on {self.enrolled_on}",
            )

    def ensure_not_after_leaving(self, day: date, what: str) -> None:
        """Late records are fine (a phone syncs later); facts dated after leaving are not."""
        if self.left_on is not None and day > self.left_on:
            raise InvalidValue(
                "occurred_on",
                f"{what} on {day} is after leaving {self.cohort_id} on {self.left_on}",
            )

    def ensure_covers(self, day: date, what: str) -> None:
        self.ensure_not_before_enrolment(day, what)
        self.ensure_not_after_leaving(day, what)

    def ensure_can_leave(self, day: date) -> None:
        if self.left_on is not None:
            raise AlreadyLeft(
                f"the enrolment in {self.cohort_id} already ended on {self.left_on} "
                f"({self.left_reason})"
            )
        self.ensure_not_before_enrolment(day, "leaving")
