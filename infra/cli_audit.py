"""`tremplin audit …`: what auditors run against the log itself."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime

import click
import msgspec

from infra.audit_chain import verify
from infra.audit_replay import Replay, replay
from infra.cli_context import load_settings, open_application
from projections.outcomes import Outcomes
from projections.read_models import ReadModels
from projections.store import ViewStore


@click.group()
def audit() -> None:
    """Audit the log: prove it untouched, recount the figures, export an audit pack."""


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


@audit.command("replay")
@click.option(
    "--as-of",
    "as_of",
    required=True,
    type=click.DateTime(["%Y-%m-%d"]),
    help="The day in the world (occurred clock), YYYY-MM-DD.",
)
@click.option(
    "--known-at",
    "known_at",
    type=click.DateTime(["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d"]),
    help="Only events recorded by then (UTC), YYYY-MM-DDTHH:MM[:SS]. Default: now.",
)
@click.option(
    "--position", type=click.IntRange(min=1), help="Only events up to this log position."
)
@click.option("--programme", "programmes", multiple=True, help="A programme code (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="The recount and the differences as JSON.")
def audit_replay(
    as_of: datetime,
    known_at: datetime | None,
    position: int | None,
    programmes: tuple[str, ...],
    as_json: bool,
) -> None:
    """Recount the outcome figures from an empty store and compare them with the live ones.

    Exit 0 when they are identical, 1 when they differ (the differences are listed).
    """
    if known_at is not None and position is not None:
        raise click.UsageError("give --known-at or --position, not both")
    app = open_application(existing=True)
    live = ViewStore(load_settings().views_path)
    try:
        # Only the outcome view, and no policies: a replay never writes to the log.
        ReadModels(app, live, [Outcomes()], policies=False).catch_up()
        result = replay(
            app,
            live,
            as_of.date(),
            known_at=known_at.replace(tzinfo=UTC) if known_at else None,
            position=position,
            programmes=programmes,
        )
    finally:
        live.close()
        app.close()
    if as_json:
        click.echo(json.dumps(_as_json(result), ensure_ascii=False, indent=2))
    else:
        _describe(result)
    if not result.identical:
        sys.exit(1)


def _describe(result: Replay) -> None:
    click.echo(
        f"Rejeu des positions 1 à {result.through:,} ({result.events:,} événements de résultats),"
        f" connus au {result.known_at.isoformat()} ; situation au {result.as_of.isoformat()}."
    )
    if not result.recounts:
        click.echo("Aucun programme à recompter à cette date.")
    for recount in result.recounts:
        if recount.identical:
            figures = recount.live.figures
            summary = ", ".join(f"{key} {figure.value:,}" for key, figure in figures.items())
            click.echo(f"{recount.programme_id} : identique ({summary})")
            continue
        click.echo(f"{recount.programme_id} : {len(recount.differences)} écart(s)")
        for difference in recount.differences:
            click.echo(
                f"  {difference.path} : en service {difference.before!r},"
                f" recompté {difference.after!r}"
            )
    click.echo("identical" if result.identical else "different")


def _as_json(result: Replay) -> dict[str, object]:
    return {
        "as_of": result.as_of.isoformat(),
        "known_at": result.known_at.isoformat(),
        "through_position": result.through,
        "outcome_events": result.events,
        "identical": result.identical,
        "programmes": [
            {
                "programme_id": recount.programme_id,
                "identical": recount.identical,
                "differences": msgspec.to_builtins(recount.differences),
                "figures": msgspec.to_builtins(recount.replayed),
            }
            for recount in result.recounts
        ],
    }
