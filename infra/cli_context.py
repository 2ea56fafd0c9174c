"""What every `tremplin` command shares: settings, the application, readable errors."""

from __future__ import annotations

import os

import click
from eventsourcing.persistence import OperationalError

from domain.application import Tremplin
from domain.errors import DomainError
from infra.bootstrap import build_application
from infra.settings import Settings, SettingsError
from projections.store import PositionMoved


def load_settings() -> Settings:
    try:
        return Settings.from_env(os.environ)
    except SettingsError as error:
        raise click.UsageError(str(error)) from None


def open_application(*, existing: bool = False) -> Tremplin:
    """The application on the configured log; `existing` for commands that only read it."""
    settings = load_settings()
    where = settings.database_path.resolve()
    if existing and not settings.database_path.is_file():
        raise click.ClickException(f"no log at {where}: run `tremplin init` (TREMPLIN_DATA_DIR)")
    try:
        return build_application(settings)
    except OSError as error:
        raise click.ClickException(
            f"cannot use {where} (TREMPLIN_DATA_DIR): {error.strerror or error}"
        ) from None


class TremplinCommands(click.Group):
    """Turns the errors a person can act on into one line, without a traceback."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except DomainError as error:
            raise click.ClickException(str(error)) from None
        except PositionMoved as error:
            raise click.ClickException(
                f"{error}: another runner (the server?) is following the log and applies"
                " the same projection; it will finish the rebuild, or stop it and run again"
            ) from None
        except OperationalError as error:
            if "locked" not in str(error):
                raise
            timeout = load_settings().sqlite_lock_timeout
            raise click.ClickException(
                f"another process is writing to the log; gave up after {timeout} s"
                " (TREMPLIN_SQLITE_LOCK_TIMEOUT)"
            ) from None
