"""The record of an accepted client command, which makes commands idempotent.

Its id derives from the client's command id, so a second save of the same
command fails atomically with everything it would have written.
"""

from __future__ import annotations

from eventsourcing.domain import Aggregate

from domain.ids import command_record_id


class CommandRecord(Aggregate):
    class Accepted(Aggregate.Created):
        command_id: str
        name: str
        digest: str  # of the command's content, to tell a replay from a conflict
        result: str | None

    def __init__(self, command_id: str, name: str, digest: str, result: str | None) -> None:
        self.command_id = command_id
        self.name = name
        self.digest = digest
        self.result = result

    @classmethod
    def accept(cls, command_id: str, name: str, digest: str, result: str | None) -> CommandRecord:
        return cls._create(
            cls.Accepted,
            id=command_record_id(command_id),
            command_id=command_id,
            name=name,
            digest=digest,
            result=result,
        )
