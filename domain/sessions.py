"""In-person sessions: a trainer schedules one for a cohort, with a code to check in.

The trainer shows a 6-digit code (or its QR code) in the room; a trainee types it
and is recorded as attending. The session's id is derived from (cohort, day,
code), so a phone that knows only those finds the session without any index, and
a code means one session of one cohort on one day: yesterday's code opens nothing.
"""

from __future__ import annotations

import re
import secrets
from datetime import date

from eventsourcing.domain import Aggregate

from domain.errors import InvalidValue
from domain.ids import in_person_session_id
from domain.programme import Cohort
from domain.values import key, required_text

CODE_DIGITS = 6
CODE = re.compile(rf"^[0-9]{{{CODE_DIGITS}}}$")
MAX_TITLE = 200  # titles are kept for good, in the log


def session_code(code: str) -> str:
    """A code as trainers show it and trainees type it: exactly 6 digits, nothing around."""
    if not CODE.match(code):
        raise InvalidValue("code", f"a session code is {CODE_DIGITS} digits")
    return code


def new_session_code() -> str:
    """A fresh code for the trainer to show (not guessable from earlier ones)."""
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


class InPersonSession(Aggregate):
    class Scheduled(Aggregate.Created):
        cohort_id: str
        session_id: str  # the path step it gets done, when the cohort's path lists it
        title: str
        on: date  # the day it takes place: check-ins count on that day only
        code: str
        occurred_on: date

    def __init__(
        self, cohort_id: str, session_id: str, title: str, on: date, code: str, occurred_on: date
    ) -> None:
        self.cohort_id = cohort_id
        self.session_id = session_id
        self.title = title
        self.on = on

    @classmethod
    def schedule(
        cls,
        cohort: Cohort,
        session_id: str,
        title: str,
        on: date,
        code: str,
        occurred_on: date,
    ) -> InPersonSession:
        """`on` may be in the future (sessions are planned ahead), within the cohort's dates."""
        if not cohort.period.contains(on):
            raise InvalidValue(
                "on",
                f"{on} is outside cohort {cohort.cohort_id} "
                f"({cohort.period.starts_on} – {cohort.period.ends_on})",
            )
        cleaned = required_text("title", title)
        if len(cleaned) > MAX_TITLE:
            raise InvalidValue("title", f"at most {MAX_TITLE} characters")
        return cls._create(
            cls.Scheduled,
            id=in_person_session_id(cohort.cohort_id, on, session_code(code)),
            cohort_id=cohort.cohort_id,
            session_id=key("session_id", session_id),
            title=cleaned,
            on=on,
            code=code,
            occurred_on=occurred_on,
        )
