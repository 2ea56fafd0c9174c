"""Recount the log's hash chain and say where it first breaks (`tremplin audit verify`)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from infra.sqlite_log import CHAIN_TABLE, GENESIS, as_bytes, link

PAGE = 5000


@dataclass(frozen=True)
class ChainReport:
    events: int  # events checked
    head: int  # the last position checked
    head_link: str  # its link, hex: an export that quotes it can be checked later
    broken_at: int | None  # the first position whose link does not match
    reason: str = ""


def verify(database: Path) -> ChainReport:
    """Recompute every link from the stored events, read-only, in log order."""
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        columns = {row[1] for row in connection.execute(f"PRAGMA table_info({CHAIN_TABLE})")}
        if not columns:  # a log older than the chain, not opened by Tremplin since
            return ChainReport(0, 0, GENESIS.hex(), 1, "missing link")
        # A chain written before salts, not yet replaced (no Tremplin has opened the log
        # since): checked as it was written, with no salt.
        salt_column = "c.salt" if "salt" in columns else "x''"
        previous, checked, head = GENESIS, 0, 0
        while True:
            rows = connection.execute(
                "SELECT e.rowid, e.originator_id, e.originator_version, e.topic, e.state,"
                f" {salt_column}, c.link"
                f" FROM stored_events e LEFT JOIN {CHAIN_TABLE} c ON c.position = e.rowid"
                " WHERE e.rowid > ? ORDER BY e.rowid LIMIT ?",
                (head, PAGE),
            ).fetchall()
            for position, originator, version, topic, state, salt, stored in rows:
                if position != head + 1:
                    return ChainReport(checked, head, previous.hex(), head + 1, "missing event")
                if stored is None:
                    return ChainReport(checked, head, previous.hex(), position, "missing link")
                following = link(
                    previous, bytes(salt), position, originator, version, topic, as_bytes(state)
                )
                if bytes(stored) != following:
                    return ChainReport(checked, head, previous.hex(), position, "link differs")
                previous = following
                checked, head = checked + 1, position
            if len(rows) < PAGE:
                break
        # Links past the last event: events were deleted from the end of the log.
        (last_link,) = connection.execute(f"SELECT max(position) FROM {CHAIN_TABLE}").fetchone()
        if last_link is not None and last_link > head:
            return ChainReport(checked, head, previous.hex(), head + 1, "missing event")
        return ChainReport(checked, head, previous.hex(), None)
    finally:
        connection.close()


def link_at(database: Path, position: int) -> str | None:
    """The stored link at `position` (hex), or None when the log has no such position."""
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
        row = connection.execute(
            f"SELECT link FROM {CHAIN_TABLE} WHERE position = ?", (position,)
        ).fetchone()
    return bytes(row[0]).hex() if row else None
