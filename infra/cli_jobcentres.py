"""`tremplin jobcentres …`: the job centres a referral, an adviser's account or a key may name.

A centre is registered before anyone names it (docs/decisions/0011): `add` registers or
renames one, `list` shows each with how many people it referred and how many of them
consent to share their progress with it. Counts only: no person is named here.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import asdict, dataclass

import click

from domain.application import Tremplin
from domain.application.jobcentres import REGISTERED, RENAMED
from infra.cli_context import load_settings, open_application
from projections.job_centres import JobCentres, job_centres, referral_counts
from projections.people_access import PeopleAccess
from projections.runner import catch_up, prepare
from projections.store import PositionMoved, ViewStore


@dataclass(frozen=True)
class ListedCentre:
    code: str
    name: str
    referred: int  # people registered as referred by the centre
    consenting: int  # of whom share with it now


@click.group()
def jobcentres() -> None:
    """Job centres: register them, list them with their referrals."""


@jobcentres.command("add")
@click.argument("code")
@click.argument("name")
def jobcentres_add(code: str, name: str) -> None:
    """Register the job centre CODE as NAME; with another NAME, rename it."""
    app = open_application()
    before = app.job_centre(code)
    outcome = app.register_job_centre(code, name).result
    centre = app.job_centre(code)
    assert centre is not None  # registered just now, or before
    if outcome == REGISTERED:
        click.echo(f"Centre {centre.code} enregistré : {centre.name}.")
    elif outcome == RENAMED:
        was = f" (avant : {before.name})" if before is not None else ""
        click.echo(f"Centre {centre.code} renommé : {centre.name}{was}.")
    else:
        click.echo(f"Centre {centre.code} déjà enregistré sous ce nom : rien de nouveau.")


@jobcentres.command("list")
@click.option(
    "--json", "as_json", is_flag=True, help="A JSON array of {code, name, referred, consenting}."
)
def jobcentres_list(as_json: bool) -> None:
    """Job centres: code, name, people referred, of whom consenting to share with it."""
    listed = listed_centres(open_application(existing=True))
    if as_json:
        click.echo(json.dumps([asdict(centre) for centre in listed], ensure_ascii=False))
        return
    click.echo(f"{'code':<20} {'nom':<36} {'orientés':>9} {'dont consentants':>17}")
    for centre in listed:
        click.echo(
            f"{centre.code:<20} {centre.name:<36} {centre.referred:>9} {centre.consenting:>17}"
        )


def listed_centres(app: Tremplin) -> list[ListedCentre]:
    """Every registered centre with its referrals, from views caught up on the log."""
    store = ViewStore(load_settings().views_path)
    try:
        for projection in (JobCentres(), PeopleAccess()):
            prepare(store, projection)
            with contextlib.suppress(PositionMoved):  # another runner (the server) applies it
                catch_up(app, store, projection)
        counts = referral_counts(store)
        return [
            ListedCentre(row.code, row.name, *counts.get(row.code, (0, 0)))
            for row in job_centres(store)
        ]
    finally:
        store.close()
