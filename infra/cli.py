"""The `tremplin` command: set up, serve, load programmes, import histories, read the log."""

from __future__ import annotations

import json
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import click

from domain.application import Tremplin
from domain.errors import DomainError
from infra.cli_accounts import apikeys, users
from infra.cli_audit import audit
from infra.cli_context import TremplinCommands, load_settings, open_application
from infra.cli_jobcentres import jobcentres
from infra.cli_projections import catch_up_views, projections
from infra.demo import declare_demo_log, show_demo_accounts
from infra.event_log import LogFilter, event_as_dict, known_event_types, read_log
from infra.importers.csv_rows import ImportRowError
from infra.importers.oulad import import_oulad
from infra.live_demo import add_live_cohort
from infra.moments import MOMENT
from infra.programme_file import (
    ProgrammeFile,
    ProgrammeFileError,
    load_programme,
    read_programme_file,
)
from infra.settings import Settings
from infra.simulator import SimulationError, SimulationReport, simulate

DATA = Path(__file__).resolve().parents[1] / "data"
ORT_PROGRAMME = DATA / "programmes" / "ort-france-2017-2018.toml"
OULAD = DATA / "oulad"
MAX_POSITION = 2**63 - 1  # SQLite's largest row id
DAY = click.DateTime(["%Y-%m-%d"])
SIMULATION_SEED = 2017  # the seed of the history `init` simulates
SIMULATED_TRAINEES = 1200  # ORT France's pledge


@click.group(cls=TremplinCommands)
def main() -> None:
    """Tremplin: an event-sourced platform for job-insertion training programmes."""


main.add_command(projections)
main.add_command(audit)
main.add_command(users)
main.add_command(apikeys)
main.add_command(jobcentres)


@main.command()
@click.option(
    "--programme",
    "programme_file",
    type=click.Path(path_type=Path),
    default=ORT_PROGRAMME,
    show_default=True,
    help="Programme file to load.",
)
@click.option(
    "--oulad",
    "oulad_dir",
    type=click.Path(path_type=Path),
    default=OULAD,
    show_default=True,
    help="OULAD folder to import.",
)
@click.option(
    "--simulate",
    "simulated",
    type=click.IntRange(0),
    default=SIMULATED_TRAINEES,
    show_default=True,
    help=f"Trainees of the programme's simulated history (seed {SIMULATION_SEED}; 0: none).",
)
@click.option(
    "--demo",
    is_flag=True,
    help="A demo database: marked as such when empty, with one account per role, logins shown.",
)
def init(programme_file: Path, oulad_dir: Path, simulated: int, demo: bool) -> None:
    """Load the ORT France programme, import the OULAD histories and simulate the
    programme's history (idempotent)."""
    app = open_application()
    if demo:
        declare_demo_log(app)  # first, or the log would not be a demo
    spec = _load(app, programme_file)
    _import(app, oulad_dir)
    if simulated:
        report = _simulate(app, spec.code, simulated, SIMULATION_SEED)
        click.echo(
            f"Simulation: {report.trainees:,} trainees, {report.events_recorded:,} new events"
            " (simulated data)"
        )
    if demo and app.is_demo():
        live = add_live_cohort(app, date.today())  # a cohort running today, to try recording
        click.echo(f"Démo : cohorte en cours {live.cohort_id} ({len(live.people)} apprenant·es)")
    catch_up_views(app)
    if demo:
        show_demo_accounts(app, load_settings())


@main.command()
@click.option(
    "--host", default=None, help="Address to listen on (default TREMPLIN_HOST or 127.0.0.1)."
)
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=None,
    help="Port (default TREMPLIN_PORT or 8000).",
)
def serve(host: str | None, port: int | None) -> None:
    """Serve the web platform (Ctrl-C stops it)."""
    import uvicorn

    from web.app import create_app

    settings = load_settings()
    host = host if host is not None else settings.host
    port = port if port is not None else settings.port
    app = open_application()
    click.echo(f"Tremplin: http://{host}:{port}/  (Ctrl-C to stop)")
    uvicorn.run(create_app(settings, app), host=host, port=port, **uvicorn_options(settings))


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    """The server's options beyond where it listens. uvicorn trusts X-Forwarded-For from
    127.0.0.1 by default: here only from the proxies the settings name."""
    trusted = settings.forwarded_allow_ips.strip()
    return {
        "log_level": "warning",  # no access log: paths carry people's references
        "proxy_headers": bool(trusted),
        "forwarded_allow_ips": trusted or None,
    }


@main.group()
def programme() -> None:
    """Programmes."""


@programme.command("load")
@click.argument("file", type=click.Path(path_type=Path))
def programme_load(file: Path) -> None:
    """Load a programme file (TOML); loading it again records nothing."""
    _load(open_application(), file)


@main.command("simulate")
@click.option(
    "--trainees",
    type=click.IntRange(1),
    default=SIMULATED_TRAINEES,
    show_default=True,
    help="How many people to simulate.",
)
@click.option("--seed", type=int, default=SIMULATION_SEED, show_default=True, help="Random seed.")
@click.option(
    "--programme",
    "code",
    default=None,
    help="Programme code (default: the ORT France programme's).",
)
def simulate_command(trainees: int, seed: int, code: str | None) -> None:
    """Record a simulated programme history, marked as such; the same seed records nothing
    twice."""
    code = code or _read_spec(ORT_PROGRAMME).code
    report = _simulate(open_application(), code, trainees, seed)
    click.echo(
        f"Simulation of {report.programme} (seed {report.seed}): {report.trainees:,} trainees,"
        f" {report.commands:,} commands, {report.replayed:,} already recorded,"
        f" {report.events_recorded:,} new events in {report.seconds:.1f} s"
        f" ({report.events_per_second:,.0f} events/s); simulated data"
    )


@main.group(name="import")
def import_() -> None:
    """Import learner histories."""


@import_.command("oulad")
@click.argument("directory", type=click.Path(path_type=Path))
def import_oulad_command(directory: Path) -> None:
    """Replay an OULAD folder as programme `oulad`; a rerun continues where it stopped."""
    _import(open_application(), directory)


@main.command()
@click.option("--type", "types", multiple=True, help="Event type, e.g. Enrolled (repeatable).")
@click.option(
    "--person", "person_ref", help="Person reference, e.g. oulad-11391: every event naming them."
)
@click.option("--cohort", "cohort_id", help="Cohort id, e.g. AAA-2013J.")
@click.option(
    "--from", "first", type=click.IntRange(1, MAX_POSITION), default=1, help="First position."
)
@click.option(
    "--to", "last", type=click.IntRange(1, MAX_POSITION), default=None, help="Last position."
)
@click.option("--occurred-from", type=DAY, help="Facts that happened on or after this day.")
@click.option("--occurred-to", type=DAY, help="Facts that happened on or before this day.")
@click.option("--recorded-from", type=MOMENT, help="Recorded at or after (UTC).")
@click.option("--recorded-to", type=MOMENT, help="Recorded at or before (UTC).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@click.option("--with-personal", is_flag=True, help="Show personal data (hidden by default).")
def events(
    types: tuple[str, ...],
    person_ref: str | None,
    cohort_id: str | None,
    first: int,
    last: int | None,
    occurred_from: datetime | None,
    occurred_to: datetime | None,
    recorded_from: datetime | None,
    recorded_to: datetime | None,
    as_json: bool,
    with_personal: bool,
) -> None:
    """Print the log, in order, filtered."""
    if last is not None and last < first:
        raise click.BadParameter(f"--to {last} is before --from {first}", param_hint="--to")
    unknown = set(types) - known_event_types()
    if unknown:
        raise click.BadParameter(
            f"unknown {', '.join(sorted(unknown))};"
            f" known: {', '.join(sorted(known_event_types()))}",
            param_hint="--type",
        )
    app = open_application(existing=True)
    selection = LogFilter(
        frozenset(types),
        person_ref,
        cohort_id,
        first,
        last,
        occurred_from.date() if occurred_from else None,
        occurred_to.date() if occurred_to else None,
        recorded_from.replace(tzinfo=UTC) if recorded_from else None,
        recorded_to.replace(tzinfo=UTC) if recorded_to else None,
    )
    for position, topic, event in read_log(app, selection):
        row = event_as_dict(position, topic, event, personal=with_personal)
        if as_json:
            click.echo(json.dumps(row, ensure_ascii=False))
        else:
            occurred = row.get("occurred_on", "")
            click.echo(f"{position:>8}  {occurred:<10}  {row['type']:<28} {_summary(row)}")


def _summary(row: dict[str, object]) -> str:
    skip = {
        "position",
        "type",
        "topic",
        "aggregate_id",
        "version",
        "recorded_at",
        "occurred_on",
        "originator_topic",
    }
    return " ".join(f"{k}={v}" for k, v in row.items() if k not in skip)


def _load(app: Tremplin, file: Path) -> ProgrammeFile:
    try:
        spec = load_programme(app, file)
    except (ProgrammeFileError, DomainError) as error:
        raise click.ClickException(str(error)) from None
    count = len(spec.milestones)
    click.echo(f"Programme {spec.code}: {spec.name} ({count} milestone{'s' * (count != 1)})")
    return spec


def _read_spec(file: Path) -> ProgrammeFile:
    try:
        return read_programme_file(file)
    except ProgrammeFileError as error:
        raise click.ClickException(str(error)) from None


def _simulate(app: Tremplin, code: str, trainees: int, seed: int) -> SimulationReport:
    try:
        with click.progressbar(length=50 * trainees, label="Simulation", file=sys.stderr) as bar:
            return simulate(app, code, trainees, seed, on_progress=bar.update)
    except (SimulationError, DomainError) as error:
        raise click.ClickException(f"simulation stopped: {error}") from None


def _import(app: Tremplin, directory: Path) -> None:
    info = directory / "studentInfo.csv"
    total = 6 * len(info.read_bytes().splitlines()) if info.is_file() else 0  # ≈ commands
    try:
        with click.progressbar(length=total, label="OULAD", file=sys.stderr) as bar:
            report = import_oulad(app, directory, on_progress=bar.update)
    except (ImportRowError, DomainError) as error:
        raise click.ClickException(f"import stopped: {error}") from None
    click.echo(
        f"OULAD: {report.commands:,} commands, {report.replayed:,} already recorded, "
        f"{report.events_recorded:,} new events"
    )
