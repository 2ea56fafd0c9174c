"""The platform's log on SQLite: eventsourcing's recorder, with bulk writes and reads,
and a hash chain that makes any later edit of a stored event visible.

eventsourcing inserts a save's events one statement at a time to learn each
row id; here one `executemany` writes them all. SQLite admits one writer at a
time and we never delete, so the rows of one insert take consecutive ids
ending at `last_insert_rowid()`.

Each event's link is SHA-256 over the previous link, a random salt of its own and
the event as stored (position, aggregate, version, topic, bytes), written in the
same transaction as the event. `infra.audit_chain.verify` recomputes the chain.

The salt is what lets auditors see links: without it, a link shown next to a
pseudonymised event would be an oracle — hash each possible person reference until
the link matches (aggregate ids derive from references). The salts stay in the
database, beside the events they would reveal nothing more than.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor

_CHUNK = 500  # stays well under SQLite's limit on bound parameters
CHAIN_TABLE = "event_chain"
GENESIS = bytes(32)  # the link before the first event
SALT_BYTES = 16


def link(previous: bytes, salt: bytes, position: int, originator_id: str, version: int,
         topic: str, state: bytes) -> bytes:  # fmt: skip
    """The next link of the chain: what a later edit of this event, or of any before it,
    cannot keep unchanged."""
    digest = hashlib.sha256(previous)
    digest.update(salt)
    digest.update(f"{position}\x00{originator_id}\x00{version}\x00{topic}\x00".encode())
    digest.update(state)
    return digest.digest()


def unsalted_link(previous: bytes, position: int, originator_id: str, version: int,
                  topic: str, state: bytes) -> bytes:  # fmt: skip
    """A link as Tremplin wrote them before salts: read once, to check an old chain
    before it is replaced."""
    return link(previous, b"", position, originator_id, version, topic, state)


class TremplinSQLiteRecorder(SQLiteApplicationRecorder):
    def construct_create_table_statements(self) -> list[str]:
        return [
            *super().construct_create_table_statements(),
            f"CREATE TABLE IF NOT EXISTS {CHAIN_TABLE}"
            " (position INTEGER PRIMARY KEY, salt BLOB NOT NULL, link BLOB NOT NULL)",
        ]

    def _create_table(self, c: SQLiteCursor) -> None:
        """Create the tables; replace a chain written before salts (after checking it);
        chain the events a log older than the chain holds."""
        c.execute(f"SELECT name FROM pragma_table_info('{CHAIN_TABLE}')")
        columns = {row[0] for row in c.fetchall()}
        if columns and "salt" not in columns:
            self._check_unsalted_chain(c)
            c.execute(f"DROP TABLE {CHAIN_TABLE}")
        super()._create_table(c)
        c.execute(f"SELECT max(rowid) FROM {self.events_table_name}")
        last = c.fetchone()[0]
        if last is not None:
            self._link_before(c, int(last) + 1)

    def _check_unsalted_chain(self, c: SQLiteCursor) -> None:
        """An old chain is dropped only if it holds: replacing a broken one would hide
        the edit it shows."""
        c.execute(
            f"SELECT e.rowid, e.originator_id, e.originator_version, e.topic, e.state, c.link"
            f" FROM {self.events_table_name} e LEFT JOIN {CHAIN_TABLE} c ON c.position = e.rowid"
            " ORDER BY e.rowid"
        )
        previous, expected = GENESIS, 1
        for position, originator, version, topic, state, stored in c.fetchall():
            previous = unsalted_link(
                previous, position, originator, version, topic, as_bytes(state)
            )
            if position != expected or stored is None or bytes(stored) != previous:
                msg = (
                    f"the log's hash chain is broken at position {expected}: "
                    "run `tremplin audit verify` with the Tremplin that wrote it"
                )
                raise RuntimeError(msg)
            expected += 1

    def _insert_events(
        self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **_: Any
    ) -> Sequence[int] | None:
        if not stored_events:
            return []
        rows = [
            (_key(s.originator_id), s.originator_version, s.topic, s.state) for s in stored_events
        ]
        c.executemany(self.insert_events_statement, rows)
        c.execute("SELECT last_insert_rowid()")
        last = int(c.fetchone()[0])
        first = last - len(stored_events) + 1
        previous = self._link_before(c, first)
        links = []
        salts = os.urandom(SALT_BYTES * len(rows))
        for n, row in enumerate(rows):
            salt = salts[n * SALT_BYTES : (n + 1) * SALT_BYTES]
            previous = link(previous, salt, first + n, *row)
            links.append((first + n, salt, previous))
        c.executemany(f"INSERT INTO {CHAIN_TABLE} (position, salt, link) VALUES (?, ?, ?)", links)
        return list(range(first, last + 1))

    def _link_before(self, c: SQLiteCursor, position: int) -> bytes:
        """The link of the event before `position`; a log older than the chain is
        chained first, from its beginning (once, at its first write)."""
        c.execute(f"SELECT position, link FROM {CHAIN_TABLE} ORDER BY position DESC LIMIT 1")
        found = c.fetchone()
        chained, previous = (int(found[0]), bytes(found[1])) if found else (0, GENESIS)
        if chained >= position - 1:
            return previous
        c.execute(
            f"SELECT rowid, originator_id, originator_version, topic, state"
            f" FROM {self.events_table_name} WHERE rowid > ? AND rowid < ? ORDER BY rowid",
            (chained, position),
        )
        links = []
        for row in c.fetchall():
            salt = os.urandom(SALT_BYTES)
            previous = link(previous, salt, int(row[0]), row[1], int(row[2]), row[3], bytes(row[4]))
            links.append((int(row[0]), salt, previous))
        c.executemany(f"INSERT INTO {CHAIN_TABLE} (position, salt, link) VALUES (?, ?, ?)", links)
        return previous

    def select_events_of(self, originator_ids: Iterable[UUID]) -> list[StoredEvent]:
        """All events of the given aggregates, by aggregate and version: one query per 500 ids."""
        keys = [_key(i) for i in originator_ids]
        found: list[StoredEvent] = []
        with self.datastore.transaction(commit=False) as c:
            for start in range(0, len(keys), _CHUNK):
                chunk = keys[start : start + _CHUNK]
                c.execute(
                    f"SELECT * FROM {self.events_table_name} "
                    f"WHERE originator_id IN ({','.join('?' * len(chunk))}) "
                    "ORDER BY originator_id, originator_version",
                    chunk,
                )
                found.extend(
                    StoredEvent(
                        originator_id=self.convert_originator_id(row["originator_id"]),
                        originator_version=row["originator_version"],
                        topic=row["topic"],
                        state=row["state"],
                    )
                    for row in c.fetchall()
                )
        return found


def as_bytes(state: bytes | str) -> bytes:
    """An event's bytes; one edited as text by hand comes back as text."""
    return state if isinstance(state, bytes) else str(state).encode()


def _key(originator_id: UUID | str) -> str:
    return originator_id.hex if isinstance(originator_id, UUID) else originator_id
