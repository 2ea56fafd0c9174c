"""`tremplin audit …`: what auditors run against the log itself."""

from __future__ import annotations

import sys

import click

from infra.audit_chain import verify
from infra.cli_context import load_settings


@click.group()
def audit() -> None:
    """Audit the log: prove it untouched."""


@audit.command("verify")
def audit_verify() -> None:
    """Recompute the hash chain over every event; exit 1 at the first break."""
    database = load_settings().database_path
    if not database.is_file():
        raise click.ClickException(f"no log at {database.resolve()}: run `tremplin init`")
    report = verify(database)
    if report.broken_at is None:
        click.echo(
            f"Chaîne intacte : {report.events:,} événements ; tête {report.head} {report.head_link}"
        )
        return
    click.echo(
        f"Chaîne rompue à la position {report.broken_at} ({report.reason}) ;"
        f" intacte jusqu'à la position {report.head}",
        err=True,
    )
    sys.exit(1)
