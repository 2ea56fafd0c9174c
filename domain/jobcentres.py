"""Job centres: the France Travail agencies that refer people to the programme.

A centre is registered once, under its code, before anyone names it: a trainee's
`referred_by`, a job-centre adviser's account and a centre's API key all carry
that code, and the centre's feed shows its people by it. A code nobody
registered would be a typo that quietly hides people from their adviser.
"""

from __future__ import annotations

from datetime import date

from eventsourcing.domain import Aggregate

from domain.accounts import REFERENCE
from domain.errors import InvalidValue
from domain.ids import jobcentre_id
from domain.values import required_text

MAX_NAME = 120


class UnknownJobCentre(InvalidValue):
    """A code of the right shape that no registered job centre has."""

    code = "unknown-job-centre"


class JobCentre(Aggregate):
    class Registered(Aggregate.Created):
        code: str  # e.g. 75-PARIS-13: what referrals, accounts and keys name
        name: str
        occurred_on: date

    class Renamed(Aggregate.Event):
        name: str
        occurred_on: date

        def apply(self, centre: JobCentre) -> None:
            centre.name = self.name

    def __init__(self, code: str, name: str, occurred_on: date) -> None:
        self.code = code
        self.name = name
        self.registered_on = occurred_on

    @classmethod
    def register(cls, code: str, name: str, occurred_on: date) -> JobCentre:
        checked = job_centre_code("code", code)
        return cls._create(
            cls.Registered,
            id=jobcentre_id(checked),
            code=checked,
            name=job_centre_name(name),
            occurred_on=occurred_on,
        )

    def rename(self, name: str, occurred_on: date) -> bool:
        """Give the centre a new name; False, and nothing recorded, when it already has it."""
        new_name = job_centre_name(name)
        if new_name == self.name:
            return False
        self.trigger_event(self.Renamed, name=new_name, occurred_on=occurred_on)
        return True


def job_centre_code(field: str, code: str) -> str:
    """The code as given, when it has the shape of a reference (refused, not echoed, if not:
    it may be anything)."""
    if not REFERENCE.fullmatch(code):
        raise InvalidValue(
            field,
            "is a job centre code of 1 to 64 letters, digits, - . _ : (a letter or digit first)",
        )
    return code


def job_centre_name(name: str) -> str:
    """Trimmed, printable and at most 120 characters: shown in lists and feeds."""
    cleaned = required_text("name", name)
    if len(cleaned) > MAX_NAME or not cleaned.isprintable():
        raise InvalidValue("name", f"is a name of 1 to {MAX_NAME} printable characters")
    return cleaned
