"""Moments typed by people — on the command line and in the audit pages' forms — read
one way everywhere: ISO 8601 as Python reads it (`2018-06-30`, `2018-06-30T14:05`,
`…T14:05:09`, `…Z`, `…+02:00`), UTC when no zone is given, always returned in UTC."""

from __future__ import annotations

from datetime import UTC, datetime

import click

EXAMPLE = "2018-06-30T14:05:00Z"


def in_utc(moment: datetime) -> datetime:
    """The same instant in UTC; a moment without a zone is UTC already. OverflowError
    or ValueError for one that UTC would push beyond the calendar."""
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def parse_moment(text: str) -> datetime:
    """The instant `text` names, in UTC; ValueError in words when it names none."""
    try:
        return in_utc(datetime.fromisoformat(text.strip()))
    except (OverflowError, ValueError):
        msg = f"{text!r} is not a moment (for example {EXAMPLE}; UTC without a zone)"
        raise ValueError(msg) from None


class Moment(click.ParamType[datetime, object]):
    """A command-line option holding a moment."""

    name = "moment"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> datetime:
        if isinstance(value, datetime):
            return value
        try:
            return parse_moment(str(value))
        except ValueError as error:
            self.fail(str(error), param, ctx)


MOMENT = Moment()
