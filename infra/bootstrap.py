"""The composition root: settings in, a wired application out. Nothing here runs at import."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date

from litestar.stores.file import FileStore

from domain.application import Tremplin
from infra.settings import Settings


def prepare_data_dir(settings: Settings) -> None:
    """The data folder and its databases, readable by their owner only: they hold
    personal data. SQLite gives its -wal and -shm files the database's permissions."""
    settings.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    for database in (settings.database_path, settings.views_path):
        if not database.exists():
            os.close(os.open(database, os.O_CREAT | os.O_WRONLY, 0o600))


def log_environment(settings: Settings) -> dict[str, str]:
    """eventsourcing's configuration for the platform's one ordered log."""
    prepare_data_dir(settings)
    return {
        "PERSISTENCE_MODULE": "eventsourcing.sqlite",
        "SQLITE_DBNAME": str(settings.database_path),
        "SQLITE_LOCK_TIMEOUT": str(settings.sqlite_lock_timeout),
        "APPLICATION_RECORDER_TOPIC": "infra.sqlite_log:TremplinSQLiteRecorder",
        "MAPPER_TOPIC": "infra.mapper:MsgspecMapper",
        "AGGREGATE_CACHE_MAXSIZE": "5000",
    }


def build_application(settings: Settings, clock: Callable[[], date] = date.today) -> Tremplin:
    return Tremplin(env=log_environment(settings), clock=clock)


def file_store(settings: Settings, name: str) -> FileStore:
    """A litestar FileStore in the data folder (sessions, API keys' last use), owner-only."""
    path = settings.stores_path / name
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return FileStore(path)


API_KEY_USAGE = "api-key-usage"  # key id → when the key was last used (ISO 8601, UTC)
