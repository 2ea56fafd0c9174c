"""A SQLite file of view tables, with each projection's position kept beside its rows."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class ViewStore:
    """One connection writes (the runner), another reads (requests).

    Readers see committed batches only, so rows never run ahead of the position.
    """

    def __init__(self, path: Path | str) -> None:
        self.path = str(path)
        self._connection = self._connect()
        self._connection.execute("PRAGMA journal_mode=WAL")
        self._connection.execute(
            "CREATE TABLE IF NOT EXISTS projection_positions "
            "(name TEXT PRIMARY KEY, position INTEGER NOT NULL)"
        )
        self._connection.execute(
            "CREATE TABLE IF NOT EXISTS projection_versions "
            "(name TEXT PRIMARY KEY, version INTEGER NOT NULL)"
        )
        self._reader = self._connect()

    def _connect(self) -> sqlite3.Connection:
        connection = sqlite3.connect(
            self.path, isolation_level=None, check_same_thread=False, timeout=10
        )
        connection.row_factory = sqlite3.Row
        return connection

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Rows and position commit together or not at all."""
        self._connection.execute("BEGIN IMMEDIATE")
        try:
            yield self._connection
        except BaseException:
            self._connection.execute("ROLLBACK")
            raise
        self._connection.execute("COMMIT")

    def query(self, sql: str, params: tuple[object, ...] = ()) -> list[sqlite3.Row]:
        return self._reader.execute(sql, params).fetchall()

    def position(self, name: str) -> int:
        rows = self._connection.execute(
            "SELECT position FROM projection_positions WHERE name = ?", (name,)
        ).fetchall()
        return int(rows[0]["position"]) if rows else 0

    def read_position(self, name: str) -> int:
        """The position as readers see it (what the rows they read reflect)."""
        rows = self.query("SELECT position FROM projection_positions WHERE name = ?", (name,))
        return int(rows[0]["position"]) if rows else 0

    def close(self) -> None:
        self._reader.close()
        self._connection.close()


class PositionMoved(RuntimeError):
    """Another runner moved this projection meanwhile: the batch rolls back, never applies twice."""


def advance(connection: sqlite3.Connection, name: str, expected: int, position: int) -> None:
    """Move a projection from `expected` to `position` (compare-and-set), in the batch's
    transaction."""
    if position <= expected:
        raise ValueError(f"{name}: position {position} is not after {expected}")
    if expected == 0:
        connection.execute(
            "INSERT INTO projection_positions (name, position) VALUES (?, 0)"
            " ON CONFLICT (name) DO NOTHING",
            (name,),
        )
    moved = connection.execute(
        "UPDATE projection_positions SET position = ? WHERE name = ? AND position = ?",
        (position, name, expected),
    ).rowcount
    if moved != 1:
        raise PositionMoved(f"{name}: expected position {expected}, another runner moved it")


def ensure_position(connection: sqlite3.Connection, name: str, expected: int) -> None:
    """Inside a batch's transaction: the projection still stands where the batch starts."""
    row = connection.execute(
        "SELECT position FROM projection_positions WHERE name = ?", (name,)
    ).fetchone()
    if (row[0] if row else 0) != expected:
        raise PositionMoved(f"{name}: expected position {expected}, another runner moved it")


def built_version(connection: sqlite3.Connection, name: str) -> int | None:
    """The version of the code that built a projection's view; None for none built yet."""
    row = connection.execute(
        "SELECT version FROM projection_versions WHERE name = ?", (name,)
    ).fetchone()
    if row is not None:
        return int(row[0])
    started = connection.execute(
        "SELECT 1 FROM projection_positions WHERE name = ?", (name,)
    ).fetchone()
    return 1 if started else None


def reset(connection: sqlite3.Connection, name: str, tables: tuple[str, ...]) -> None:
    """Forget a projection: its tables and its position (to rebuild it from the start)."""
    for table in tables:
        connection.execute(f"DROP TABLE IF EXISTS {table}")
    connection.execute("DELETE FROM projection_positions WHERE name = ?", (name,))
