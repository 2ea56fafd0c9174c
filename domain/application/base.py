"""The unit of work shared by every command: load, decide, save in one transaction.

Also where commands become idempotent (a client command id is recorded with
the command's own events) and where imports batch many commands into one save.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import json
import random
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, is_dataclass
from datetime import date
from enum import Enum
from typing import Any, Concatenate, ParamSpec, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError

from domain.commands import CommandRecord
from domain.errors import CommandConflict, NotFound
from domain.ids import command_record_id
from domain.values import not_in_future

A = TypeVar("A", bound=Aggregate)
SAVE_ATTEMPTS = 10  # optimistic concurrency: a command decides again when it lost a race
S = TypeVar("S", bound="TremplinBase")
P = ParamSpec("P")


@dataclass(frozen=True)
class CommandResult:
    """What a command returns: its result, and the log position to wait for in views."""

    result: str | None
    position: int | None
    replayed: bool = False
    recorded: int = 0  # events written by this command (0 in a batch: counted at flush)


@dataclass
class BatchSaved:
    """Filled in when a batch is saved: how many events it wrote, and the last position."""

    events: int = 0
    position: int | None = None


class UnitOfWork:
    """The aggregates one command loads and changes; saved together or not at all."""

    def __init__(self, app: TremplinBase) -> None:
        self._app = app
        self.aggregates: dict[UUID, Aggregate] = {}
        # For aggregates taken live from a batch: how many pending events they had before.
        self.marks: dict[UUID, int] = {}

    def get(self, cls: type[A], aggregate_id: UUID, missing: str) -> A:
        if aggregate_id not in self.aggregates:
            found = self._app.load(aggregate_id)
            if found is None:
                raise NotFound(missing)
            if self._app.in_batch(aggregate_id):
                self.marks[aggregate_id] = len(found.pending_events)
            self.aggregates[aggregate_id] = found
        aggregate = self.aggregates[aggregate_id]
        if not isinstance(aggregate, cls):
            raise NotFound(missing)
        return aggregate

    def exists(self, aggregate_id: UUID) -> bool:
        return aggregate_id in self.aggregates or self._app.load(aggregate_id) is not None

    def add(self, aggregate: A) -> A:
        self.aggregates[aggregate.id] = aggregate
        return aggregate

    def new_events(self) -> list[Any]:
        """The events this command added, aggregate by aggregate in the order it touched them."""
        return [
            event
            for aggregate_id, aggregate in self.aggregates.items()
            for event in aggregate.pending_events[self.marks.get(aggregate_id, 0) :]
        ]


class TremplinBase(Application[UUID]):
    """Runs commands; subclasses add one method per command."""

    name = "TremplinLog"  # eventsourcing reads TREMPLINLOG_* overrides, apart from our TREMPLIN_*

    def __init__(self, env: dict[str, str] | None = None, clock: Callable[[], date] = date.today):
        super().__init__(env)
        self.clock = clock
        self._batch: dict[UUID, Aggregate] | None = None
        self._batch_events: list[Any] = []  # in the order the batch's commands made them
        self._batch_commands: dict[str, tuple[str, str | None]] = {}
        self._absent: set[UUID] = set()  # prefetched in this batch and not found
        self._save_listeners: list[Callable[[], None]] = []

    def on_saved(self, listener: Callable[[], None]) -> Callable[[], None]:
        """Call `listener` after each save (to wake a projection runner); returns an unsubscribe."""
        self._save_listeners.append(listener)
        return lambda: self._save_listeners.remove(listener)

    def _notify(self, recordings: list[Any]) -> None:
        super()._notify(recordings)
        for listener in list(self._save_listeners):
            listener()

    def today(self, occurred_on: date) -> date:
        """`occurred_on`, checked against the clock: nothing is recorded as happening tomorrow."""
        return not_in_future(occurred_on, self.clock())

    def load(self, aggregate_id: UUID) -> Aggregate | None:
        """The aggregate as it stands, including changes waiting in the current batch."""
        if self._batch is not None:
            if aggregate_id in self._batch:
                return self._batch[aggregate_id]
            if aggregate_id in self._absent:
                return None
        return self._stored(aggregate_id)

    def in_batch(self, aggregate_id: UUID) -> bool:
        return self._batch is not None and aggregate_id in self._batch

    def prefetch(self, aggregate_ids: Iterable[UUID]) -> None:
        """Load many aggregates into the current batch at once (absent ones are remembered).

        Only an optimisation for imports: it reads with one query where the
        recorder can (`select_events_of`), and changes no result.
        """
        assert self._batch is not None, "prefetch works inside a batch"
        wanted = {i for i in aggregate_ids if i not in self._batch}
        select_events_of = getattr(self.recorder, "select_events_of", None)
        if not wanted or select_events_of is None:
            return
        events: dict[UUID, list[Any]] = {i: [] for i in wanted}
        for stored in select_events_of(wanted):
            events[stored.originator_id].append(self.mapper.to_domain_event(stored))
        for aggregate_id, domain_events in events.items():
            aggregate = None
            for event in domain_events:
                aggregate = event.mutate(aggregate)
            if aggregate is None:
                self._absent.add(aggregate_id)
            else:
                self._batch[aggregate_id] = aggregate

    @contextmanager
    def batch(self) -> Iterator[BatchSaved]:
        """Defer saves: every command inside is written in one transaction at the end,
        in the order the commands ran.

        A command that fails inside the batch records nothing; the others are
        kept. If the final save fails, nothing from the batch is recorded.
        """
        if self._batch is not None:
            raise RuntimeError("a batch is already open: batches do not nest")
        self._reset_batch({})
        saved = BatchSaved()
        try:
            yield saved
            saved.events, saved.position = self._flush()
        finally:
            self._reset_batch(None)

    def _reset_batch(self, batch: dict[UUID, Aggregate] | None) -> None:
        self._batch, self._batch_events, self._batch_commands, self._absent = batch, [], {}, set()

    def _flush(self) -> tuple[int, int | None]:
        assert self._batch is not None
        events = self._batch_events
        for aggregate in self._batch.values():
            aggregate.collect_events()  # they are in `events`, in command order
        self._reset_batch({})
        if not events:
            return 0, None
        # The events straight to the store: Application.save() would check each
        # of thousands of aggregates against typing Protocols, a third of an import.
        recordings = self.events.put(events)
        self._notify(recordings)
        return len(recordings), recordings[-1].notification.id

    def execute(
        self,
        name: str,
        command_id: str | None,
        content: dict[str, Any],
        handler: Callable[[UnitOfWork], str | None],
    ) -> CommandResult:
        digest = command_digest(name, content)
        if command_id is not None:
            replay = self._replay(command_id, digest)
            if replay is not None:
                return replay
        for attempt in range(1, SAVE_ATTEMPTS + 1):
            uow = UnitOfWork(self)
            try:
                result = handler(uow)
            except Exception:
                self._roll_back_batch(uow)
                # The same command, run meanwhile by another writer, makes its own
                # rules fail here (already enrolled…): then this is a replay.
                replay = self._replay(command_id, digest) if command_id else None
                if replay is not None:
                    return replay
                raise
            if command_id is not None:
                uow.add(CommandRecord.accept(command_id, name, digest, result))
            if self._batch is not None:
                self._batch_events.extend(uow.new_events())
                self._batch.update(uow.aggregates)  # unchanged ones too: reused by later commands
                if command_id is not None:
                    self._batch_commands[command_id] = (digest, result)
                return CommandResult(result, position=None)
            try:
                recordings = self.save(*uow.aggregates.values())
            except IntegrityError:
                # Someone else saved first: the same command (then this is a replay),
                # or another change to one of our aggregates (then decide again on
                # the newer state: the rules are checked against what is recorded).
                replay = self._replay(command_id, digest) if command_id else None
                if replay is not None:
                    return replay
                if attempt == SAVE_ATTEMPTS:
                    raise
                # A short random pause, growing with each loss, so that two busy
                # writers on one aggregate stop colliding in step.
                time.sleep(random.uniform(0, 0.002 * attempt))
                continue
            if not recordings:  # the command decided there was nothing to record
                return CommandResult(result, position=None)
            position = recordings[-1].notification.id
            return CommandResult(result, position=position, recorded=len(recordings))
        raise AssertionError("unreachable")  # pragma: no cover

    def _roll_back_batch(self, uow: UnitOfWork) -> None:
        """Undo a failed command's events on aggregates it shares with the batch.

        State changes only by applying events, so an aggregate is restored by
        replaying, onto its stored state, the pending events it had before.
        """
        assert self._batch is not None or not uow.marks
        for aggregate_id, mark in uow.marks.items():
            aggregate = uow.aggregates[aggregate_id]
            if len(aggregate.pending_events) == mark:
                continue
            kept = aggregate.pending_events[:mark]
            restored = self._stored(aggregate_id)
            for event in kept:
                restored = event.mutate(restored)
            assert restored is not None
            assert self._batch is not None
            restored.pending_events.extend(kept)
            self._batch[aggregate_id] = restored

    def _stored(self, aggregate_id: UUID) -> Aggregate | None:
        try:
            return self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return None

    def _replay(self, command_id: str, digest: str) -> CommandResult | None:
        seen = self._batch_commands.get(command_id)
        if seen is None:
            record = self.load(command_record_id(command_id))
            if record is None:
                return None
            assert isinstance(record, CommandRecord)
            seen = (record.digest, record.result)
        seen_digest, result = seen
        if seen_digest != digest:
            raise CommandConflict(
                f"command id {command_id} was already used for a different command"
            )
        # Its events were recorded earlier; the head is a safe position to wait for.
        head = None if self._batch is not None else self.recorder.max_notification_id()
        return CommandResult(result, position=head, replayed=True)


def command(
    method: Callable[Concatenate[S, UnitOfWork, P], str | None],
) -> Callable[Concatenate[S, P], CommandResult]:
    """Turn `method(self, uow, ...)` into an idempotent command `method(self, ..., command_id=)`.

    The command's content (for the idempotency digest) is its arguments by name,
    defaults included, so positional and keyword calls digest alike.
    """
    parameters = list(inspect.signature(method).parameters.values())[2:]
    names = [p.name for p in parameters]
    defaults = {p.name: p.default for p in parameters if p.default is not inspect.Parameter.empty}

    @functools.wraps(method)
    def run(self: S, /, *args: P.args, **kwargs: P.kwargs) -> CommandResult:
        content = {**defaults, **dict(zip(names, args, strict=False)), **kwargs}
        command_id = content.pop("command_id", None)
        return self.execute(
            method.__name__, command_id, content, lambda uow: method(self, uow, *args, **kwargs)
        )

    return run


def command_digest(name: str, content: dict[str, Any]) -> str:
    """A fingerprint of what the command says; 80 and 80.0 say the same."""
    numbers = {k: int(v) for k, v in content.items() if isinstance(v, float) and v.is_integer()}
    canonical = json.dumps({"command": name, **content, **numbers}, sort_keys=True, default=_plain)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _plain(value: object) -> object:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if is_dataclass(value) and not isinstance(value, type):
        return vars(value)  # json.dumps calls back here for nested values
    if isinstance(value, (set, frozenset, tuple)):
        return sorted(value) if isinstance(value, (set, frozenset)) else list(value)
    raise TypeError(f"cannot digest {type(value).__name__}")
