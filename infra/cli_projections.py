"""`tremplin projections …`: follow the log, report lag, rebuild the read models."""

from __future__ import annotations

import sys
import time

import click

from domain.application import Tremplin
from infra.cli_context import load_settings, open_application
from projections.read_models import ReadModels, every_projection
from projections.store import ViewStore


@click.group()
def projections() -> None:
    """Read models: follow the log, report lag, rebuild."""


def _read_models() -> ReadModels:
    app = open_application(existing=True)
    return ReadModels(app, ViewStore(load_settings().views_path), every_projection(app))


@projections.command("run")
@click.option("--once", is_flag=True, help="Catch up, then stop.")
@click.option(
    "--poll",
    type=click.FloatRange(0.05, 60),
    default=1.0,
    show_default=True,
    help="Seconds between looks at the log.",
)
def projections_run(once: bool, poll: float) -> None:
    """Keep the read models up to date (the server does this itself in embedded mode)."""
    read_models = _read_models()
    while True:
        applied = sum(n.last - n.first + 1 for n in read_models.catch_up())
        if applied or once:
            head = read_models.app.recorder.max_notification_id() or 0
            click.echo(f"read models up to position {head:,} ({applied:,} positions read)")
        if once:
            return
        time.sleep(poll)


@projections.command("status")
def projections_status() -> None:
    """Each projection's position, the log head and the lag."""
    read_models = _read_models()
    click.echo(f"{'projection':<16} {'position':>10} {'head':>10} {'lag':>8}")
    for status in read_models.status():
        click.echo(f"{status.name:<16} {status.position:>10,} {status.head:>10,} {status.lag:>8,}")


@projections.command("rebuild")
@click.argument("name", required=False)
def projections_rebuild(name: str | None) -> None:
    """Drop and rebuild one projection (or all) from the whole log."""
    read_models = _read_models()
    names = [name] if name else list(read_models.projections)
    unknown = [n for n in names if n not in read_models.projections]
    if unknown:
        known = ", ".join(read_models.projections)
        raise click.BadParameter(f"unknown {unknown[0]}; known: {known}", param_hint="NAME")
    head = read_models.app.recorder.max_notification_id() or 0
    for each in names:
        with click.progressbar(length=head, label=each, file=sys.stderr) as bar:
            position = read_models.rebuild(each, on_batch=bar.update)
        click.echo(f"{each}: rebuilt up to position {position:,}")


def catch_up_views(app: Tremplin) -> None:
    """Bring the read models up to the log, so that the first pages show everything."""
    read_models = ReadModels(app, ViewStore(load_settings().views_path), every_projection(app))
    started = time.perf_counter()
    read_models.catch_up()
    head = app.recorder.max_notification_id() or 0
    click.echo(
        f"Views: {len(read_models.projections)} read models up to position {head:,}"
        f" in {time.perf_counter() - started:.0f} s"
    )
