"""The installation a log belongs to, and whether that log is a demo.

A log is a demo when its very first event says so: demo accounts with
published passwords must never sit beside real people's data, and a marker
that can only come first cannot be added to a log that already holds some.
"""

from __future__ import annotations

from eventsourcing.domain import Aggregate

from domain.ids import installation_id


class Installation(Aggregate):
    class DemoDeclared(Aggregate.Created):
        """This log is a demonstration: its people are simulated, its demo logins public."""

    @classmethod
    def declare_demo(cls) -> Installation:
        return cls._create(cls.DemoDeclared, id=installation_id())
