"""`tremplin audit …`: what auditors run against the log itself."""

from __future__ import annotations

import dataclasses
import json
import sys
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import click
import msgspec

from domain.errors import DomainError, NotFound
from infra.audit_chain import link_at, verify
from infra.audit_replay import Replay, replay
from infra.cli_context import load_settings, open_application
from infra.credentials import instance_secret
from infra.moments import MOMENT
from projections.outcome_compare import differences
from projections.outcome_definitions import CURRENT, VERSIONS, DefinitionSet, definition_set
from projections.outcome_figures import OutcomeReport
from projections.outcomes import Outcomes
from projections.read_models import ReadModels, every_projection
from projections.store import ViewStore
from web.audit_pack import BrokenChain, PackRequest, audit_pack
from web.i18n import gettext_for, number
from web.pseudonyms import Pseudonyms

AS_OF = click.DateTime(["%Y-%m-%d"])
DEFINITIONS = click.Choice([version.version for version in VERSIONS])


@click.group()
def audit() -> None:
    """Audit the log: prove it untouched, recount the figures, export an audit pack."""


PACK = click.Path(exists=True, dir_okay=False, path_type=Path)


@audit.command("verify")
@click.option("--pack", type=PACK, help="Also check that this audit pack's chain head holds.")
def audit_verify(pack: Path | None) -> None:
    """Recompute the hash chain over every event; exit 1 at the first break. With --pack,
    also check that the link the pack quotes is still at its position."""
    database = load_settings().database_path
    if not database.is_file():
        raise click.ClickException(f"no log at {database.resolve()}: run `tremplin init`")
    if not _chain_holds(database, _pack_head(pack) if pack else None):
        sys.exit(1)


def _chain_holds(database: Path, quoted: tuple[int, str] | None) -> bool:
    """Whether the chain is intact (and holds the quoted head); says so either way."""
    report = verify(database)
    if report.broken_at is not None:
        click.echo(
            f"Chaîne rompue à la position {report.broken_at} ({gettext_for('fr')(report.reason)}) ;"
            f" intacte jusqu'à la position {report.head}",
            err=True,
        )
        return False
    click.echo(
        f"Chaîne intacte : {number(report.events, 'fr')} événements ;"
        f" tête {report.head} {report.head_link}"
    )
    if quoted is None:
        return True
    position, link = quoted
    found = link_at(database, position)
    if found is None:
        click.echo(
            f"Le dossier ne tient plus : le journal n'a pas de position {position},"
            f" le dossier y cite {link}",
            err=True,
        )
        return False
    if found != link:
        click.echo(
            f"Le dossier ne tient plus : à la position {position}, le maillon est {found},"
            f" le dossier cite {link}",
            err=True,
        )
        return False
    click.echo(f"Le dossier tient : le maillon de la position {position} est celui qu'il cite.")
    return True


def _pack_head(pack: Path) -> tuple[int, str]:
    try:
        with zipfile.ZipFile(pack) as opened:
            chain = json.loads(opened.read("chain.json"))
        return int(chain["position"]), str(chain["link"])
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError) as error:
        message = f"{pack}: not an audit pack (chain.json: {error})"
        raise click.BadParameter(message, param_hint="--pack") from None


@audit.command("replay")
@click.option("--as-of", "as_of", type=AS_OF, help="The day in the world (occurred clock).")
@click.option(
    "--known-at",
    "known_at",
    type=MOMENT,
    help="Only events recorded by then (UTC), YYYY-MM-DDTHH:MM[:SS]. Default: now.",
)
@click.option("--position", type=click.IntRange(min=1), help="Only events up to this log position.")
@click.option("--programme", "programmes", multiple=True, help="A programme code (repeatable).")
@click.option(
    "--definitions", type=DEFINITIONS, help=f"Outcome definitions version [{CURRENT.version}]."
)
@click.option(
    "--pack",
    type=PACK,
    help="An audit pack: check its chain head, recount its date, compare with its figures.",
)
@click.option("--json", "as_json", is_flag=True, help="The recount and the differences as JSON.")
def audit_replay(
    as_of: datetime | None,
    known_at: datetime | None,
    position: int | None,
    programmes: tuple[str, ...],
    definitions: str | None,
    pack: Path | None,
    as_json: bool,
) -> None:
    """Recount the outcome figures from an empty store and compare them with the live ones
    (or with an audit pack's). Exit 0 when identical, 1 when they differ (listed)."""
    if known_at is not None and position is not None:
        raise click.UsageError("give --known-at or --position, not both")
    packed = _read_pack(pack) if pack else {}
    if pack is not None:
        if as_of or known_at or position or programmes or definitions:
            raise click.UsageError(
                "--pack gives the date, the moment, the programmes and the definitions"
            )
        first = next(iter(packed.values()))
        as_of = datetime.combine(first.as_of, datetime.min.time())
        known_at, programmes = first.known_at, tuple(packed)
        definitions = first.definitions_version
    if as_of is None:
        raise click.UsageError("Missing option '--as-of' (or give --pack)")
    if pack is not None and not _chain_holds(load_settings().database_path, _pack_head(pack)):
        sys.exit(1)  # a recount of an altered log proves nothing
    app = open_application(existing=True)
    live = ViewStore(load_settings().views_path)
    try:
        # Only the outcome view, and no policies: a replay never writes to the log.
        ReadModels(app, live, [Outcomes()], policies=False).catch_up()
        result = replay(
            app,
            live,
            as_of.date(),
            known_at=known_at,
            position=position,
            programmes=programmes,
            definitions=_definitions(definitions),
        )
    finally:
        live.close()
        app.close()
    if packed:
        result = _against_pack(result, packed)
    if as_json:
        click.echo(json.dumps(_as_json(result), ensure_ascii=False, indent=2))
    else:
        _describe(result, "dossier" if packed else "en service")
    if not result.identical:
        sys.exit(1)


@audit.command("export")
@click.option("--as-of", "as_of", type=AS_OF, required=True, help="The day (occurred clock).")
@click.option("--known-at", "known_at", type=MOMENT, help="Recorded by then (UTC). Default: now.")
@click.option("--programme", "programmes", multiple=True, help="A programme code (repeatable).")
@click.option(
    "--definitions", type=DEFINITIONS, help=f"Outcome definitions version [{CURRENT.version}]."
)
@click.option("--lang", type=click.Choice(["fr", "en"]), default="fr", show_default=True)
@click.option(
    "--with-references",
    is_flag=True,
    help="Real person references in the evidence (pseudonyms by default); needs"
    " --auditor and --reason, recorded in the log as that auditor's reason.",
)
@click.option("--auditor", help="The auditor account (e-mail) the references are for.")
@click.option("--reason", help="Why the references are needed (10 characters or more).")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
def audit_export(
    as_of: datetime,
    known_at: datetime | None,
    programmes: tuple[str, ...],
    definitions: str | None,
    lang: str,
    with_references: bool,
    auditor: str | None,
    reason: str | None,
    out: Path,
) -> None:
    """Write the audit pack (zip) for a date: figures, definitions, evidence, chain head,
    and a printable report."""
    if (auditor or reason) and not with_references:
        raise click.UsageError("--auditor et --reason ne servent qu'avec --with-references")
    if with_references and not (auditor and reason):
        missing = "--auditor" if not auditor else "--reason"
        raise click.UsageError(
            f"{missing} : les références réelles ne sortent que pour un compte d'auditeur"
            " et avec une raison, enregistrée dans le journal"
        )
    if not out.parent.is_dir():
        raise click.BadParameter(f"le dossier {out.parent} n'existe pas", param_hint="OUT")
    settings = load_settings()
    app = open_application(existing=True)
    views = ViewStore(settings.views_path)
    try:
        ReadModels(app, views, every_projection(app), policies=False).catch_up()
        asked = PackRequest(
            as_of.date(),
            known_at or datetime.now(UTC),
            programmes,
            _definitions(definitions),
            language=lang,
        )
        pseudonyms = Pseudonyms(instance_secret(settings.secret_path))
        names = (lambda ref: ref) if with_references else pseudonyms.of
        body = audit_pack(app, views, settings.database_path, asked, names)
        if with_references and auditor and reason:
            # Recorded once the pack is made, so that a refused export records nothing;
            # and closed at once: the reason covers this pack, not an hour on the web.
            try:
                app.record_disclosure_reason(auditor, reason, datetime.now(UTC))
            except DomainError as error:
                raise click.ClickException(str(error)) from None
    except BrokenChain as error:
        raise click.ClickException(str(error)) from None
    finally:
        views.close()
        app.close()
    out.write_bytes(body)
    with zipfile.ZipFile(out) as written:
        chain = json.loads(written.read("chain.json"))
        count = len(written.namelist())
    click.echo(
        f"Dossier d'audit {out} : {count} fichiers, {number(len(body), 'fr')} octets ;"
        f" tête de chaîne {chain['position']} {chain['link']}"
    )


def _definitions(version: str | None) -> DefinitionSet:
    if version is None:
        return CURRENT
    try:
        return definition_set(version)
    except NotFound as error:  # a pack from a later Tremplin, with a version unknown here
        raise click.BadParameter(str(error), param_hint="--definitions") from None


def _read_pack(pack: Path) -> dict[str, OutcomeReport]:
    """Each programme's figures as the pack states them."""
    try:
        with zipfile.ZipFile(pack) as opened:
            return {
                name.partition("/")[0]: msgspec.json.decode(opened.read(name), type=OutcomeReport)
                for name in opened.namelist()
                if name.endswith("/figures.json")
            } or _not_a_pack(pack)
    except (zipfile.BadZipFile, msgspec.ValidationError, msgspec.DecodeError) as error:
        message = f"{pack}: not an audit pack ({error})"
        raise click.BadParameter(message, param_hint="--pack") from None


def _not_a_pack(pack: Path) -> dict[str, OutcomeReport]:
    raise click.BadParameter(f"{pack}: no figures.json in it", param_hint="--pack")


def _against_pack(result: Replay, packed: dict[str, OutcomeReport]) -> Replay:
    """The recount compared with the pack's figures instead of the live ones."""
    recounts = [
        dataclasses.replace(
            recount,
            live=packed[recount.programme_id],
            differences=differences(packed[recount.programme_id], recount.replayed),
        )
        for recount in result.recounts
    ]
    return dataclasses.replace(result, recounts=recounts)


def _describe(result: Replay, against: str) -> None:
    click.echo(
        f"Rejeu des positions 1 à {result.through}"  # a position, as --position takes it
        f" ({number(result.events, 'fr')} événements de résultats),"
        f" connus au {result.known_at.isoformat()} ; situation au {result.as_of.isoformat()}."
    )
    if not result.recounts:
        click.echo("Aucun programme à recompter à cette date.")
    for recount in result.recounts:
        if recount.identical:
            figures = recount.live.figures
            summary = ", ".join(f"{key} {number(f.value, 'fr')}" for key, f in figures.items())
            click.echo(f"{recount.programme_id} : identique ({summary})")
            continue
        click.echo(f"{recount.programme_id} : {len(recount.differences)} écart(s)")
        for difference in recount.differences:
            click.echo(
                f"  {difference.path} : {against} {difference.before!r},"
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
