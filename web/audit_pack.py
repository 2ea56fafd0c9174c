"""The audit pack: everything an auditor needs to check a programme's figures on a date.

One zip, the same from the page's button and from `tremplin audit export`:

- `README.txt`: what is in it and the two commands that check it;
- `chain.json`: the log's chain head (position and link) the figures were read at —
  a later `tremplin audit verify` that still finds this link at this position proves
  no event before it changed since;
- per programme `<code>/figures.json` (exactly the API's answer), `figures.csv`
  (one row per figure and part), `definitions.json`, `evidence/<figure>.csv` (each
  person counted, with every event that counts them: position, type, dates, link),
  and `report.html`, printable, with SVG charts of people over time and of
  completion and insertion against the programme's targets;
- `SHA256SUMS` over every file, so the pack itself can be checked.

People appear under the auditor's pseudonyms unless real references were asked
for (a recorded reason on the page, `--with-references` on the command line).
The zip is deterministic: the same request on the same log gives the same bytes.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import sqlite3
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path
from typing import Any
from uuid import UUID

import msgspec
from eventsourcing.persistence import StoredEvent
from jinja2 import Environment, FileSystemLoader, select_autoescape

from domain.application import Tremplin
from infra.audit_chain import verify
from infra.event_log import event_type
from infra.sqlite_log import CHAIN_TABLE
from projections.catalogue import ProgrammeSummary, programmes
from projections.outcome_definitions import CURRENT, DefinitionSet, fingerprint
from projections.outcome_figures import OutcomeReport, evidence, figures
from projections.outcome_timeline import first_enrolment, month_ends, people_over_time
from projections.store import ViewStore
from web.i18n import gettext_for, ngettext_for, number, percent

TEMPLATES = Path(__file__).parent / "templates"
CHUNK = 500  # positions per query when looking events up


@dataclass(frozen=True)
class PackRequest:
    as_of: date
    known_at: datetime
    programmes: tuple[str, ...] = ()  # empty: every programme
    definitions: DefinitionSet = CURRENT
    language: str = "fr"


@dataclass(frozen=True)
class ChainHead:
    position: int  # the last event the figures could have read
    link: str  # its chain link, hex
    intact: bool  # the chain verified from the start up to the log head when packed
    broken_at: int | None = None


class BrokenChain(Exception):
    """The log's chain is broken: a pack would vouch for events that were altered."""


@dataclass(frozen=True)
class EventAt:
    position: int
    type: str
    occurred_on: str
    recorded_at: str
    link: str


Names = Callable[[str], str]  # a person reference → what the pack shows (a pseudonym)


def audit_pack(
    app: Tremplin, views: ViewStore, database: Path, asked: PackRequest, names: Names
) -> bytes:
    """The zip's bytes; raises domain.errors.NotFound for an unknown programme."""
    head = chain_head(database, views.read_position("outcomes"))
    if not head.intact:
        raise BrokenChain(
            f"the log's hash chain is broken at position {head.broken_at}: no audit pack is"
            " made from an altered log (run `tremplin audit verify`)"
        )
    known = {p.code: p for p in programmes(views)}
    codes = list(asked.programmes) or sorted(known)
    files: dict[str, bytes] = {}
    for code in codes:
        report = figures(views, code, asked.as_of, asked.known_at, asked.definitions)
        summary = known.get(code)
        report = msgspec.structs.replace(report, simulated=bool(summary and summary.simulated))
        files.update(_programme_files(app, views, database, asked, report, summary, names))
    files["chain.json"] = _json(
        {
            "position": head.position,
            "link": head.link,
            "intact": head.intact,
            "as_of": asked.as_of.isoformat(),
            "known_at": asked.known_at.isoformat(),
            "definitions_version": asked.definitions.version,
            "programmes": codes,
        }
    )
    files["README.txt"] = _readme(asked, head, codes).encode()
    files["SHA256SUMS"] = "".join(
        f"{hashlib.sha256(body).hexdigest()}  {name}\n" for name, body in sorted(files.items())
    ).encode()
    return _zip(files, asked.known_at)


def chain_head(database: Path, position: int) -> ChainHead:
    """The chain link at `position`, and whether the chain holds from the start to the head."""
    report = verify(database)
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
        row = connection.execute(
            f"SELECT link FROM {CHAIN_TABLE} WHERE position = ?", (position,)
        ).fetchone()
    link = bytes(row[0]).hex() if row else ""
    return ChainHead(position, link, report.broken_at is None, report.broken_at)


def events_at(app: Tremplin, database: Path, positions: Iterable[int]) -> dict[int, EventAt]:
    """Type, days and chain link of the events at these positions, a chunk per query."""
    wanted = sorted(set(positions))
    found: dict[int, EventAt] = {}
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
        for start in range(0, len(wanted), CHUNK):
            chunk = wanted[start : start + CHUNK]
            marks = ",".join("?" * len(chunk))
            for position, originator, version, topic, state, link in connection.execute(
                "SELECT e.rowid, e.originator_id, e.originator_version, e.topic, e.state, c.link"
                f" FROM stored_events e LEFT JOIN {CHAIN_TABLE} c ON c.position = e.rowid"
                f" WHERE e.rowid IN ({marks})",
                chunk,
            ):
                stored = StoredEvent(UUID(str(originator)), version, topic, bytes(state))
                event: Any = app.mapper.to_domain_event(stored)
                occurred = getattr(event, "occurred_on", None)
                found[position] = EventAt(
                    position,
                    event_type(topic),
                    occurred.isoformat() if occurred else "",
                    event.timestamp.isoformat(),
                    bytes(link).hex() if link else "",
                )
    return found


EVIDENCE_COLUMNS = ("figure", "person", "position", "event", "occurred_on", "recorded_at", "link")


def evidence_csv(
    app: Tremplin,
    database: Path,
    key: str,
    counted: Sequence[tuple[str, tuple[int, ...]]],
) -> str:
    """One row per (person, event) that puts the person in the figure, people in the given
    order (pseudonym order for auditors: the log's order of references would give them away)."""
    details = events_at(app, database, (p for _, positions in counted for p in positions))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(EVIDENCE_COLUMNS)
    for person, positions in counted:
        for position in positions:
            at = details.get(position)
            writer.writerow(
                [key, person, position, *(
                    (at.type, at.occurred_on, at.recorded_at, at.link) if at else ("", "", "", "")
                )]
            )  # fmt: skip
    return out.getvalue()


FIGURE_COLUMNS = ("scope", "part", "figure", "value", "rate", "denominator", "target")


def figures_csv(report: OutcomeReport) -> str:
    """Every figure of the report as rows: the programme, each cohort, each breakdown."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(FIGURE_COLUMNS)
    for key, figure in report.figures.items():
        writer.writerow(
            ["programme", report.programme_id, key, figure.value, _blank(figure.rate),
             _blank(figure.denominator), _blank(figure.target)]
        )  # fmt: skip
    parts = [("cohort", report.by_cohort), *sorted(report.breakdowns.items())]
    for scope, groups in parts:
        for part, values in groups.items():
            for key, value in values.items():
                writer.writerow(
                    [scope, part, key, value.value, _blank(value.rate),
                     _blank(value.denominator), ""]
                )  # fmt: skip
    return out.getvalue()


def _programme_files(
    app: Tremplin,
    views: ViewStore,
    database: Path,
    asked: PackRequest,
    report: OutcomeReport,
    summary: ProgrammeSummary | None,
    names: Names,
) -> dict[str, bytes]:
    code = report.programme_id
    files = {
        f"{code}/figures.json": msgspec.json.encode(report),
        f"{code}/figures.csv": figures_csv(report).encode(),
        f"{code}/definitions.json": _json(
            {
                "version": asked.definitions.version,
                "adopted_on": asked.definitions.adopted_on,
                "change": asked.definitions.change,
                "fingerprint": fingerprint(asked.definitions),
                "rules": asked.definitions.rules,
                "definitions": asked.definitions.definitions,
            }
        ),
    }
    for definition in asked.definitions.definitions:
        counted = evidence(
            views, code, definition.key, asked.as_of, asked.known_at, None, asked.definitions
        )
        shown = sorted((names(e.person_ref), e.positions) for e in counted)
        files[f"{code}/evidence/{definition.key}.csv"] = evidence_csv(
            app, database, definition.key, shown
        ).encode()
    files[f"{code}/report.html"] = render_report(views, asked, report, summary).encode()
    return files


def render_report(
    views: ViewStore, asked: PackRequest, report: OutcomeReport, summary: ProgrammeSummary | None
) -> str:
    """The printable report: figures, cohorts, charts and definitions, in one HTML file."""
    code = report.programme_id
    first = first_enrolment(views, code)
    timeline = (
        people_over_time(views, code, month_ends(first, asked.as_of), asked.known_at)
        if first and first <= asked.as_of
        else []
    )
    language = asked.language
    return (
        _environment()
        .get_template("audit_report.html")
        .render(
            lang=language,
            _=gettext_for(language),
            ngettext=ngettext_for(language),
            n=partial(number, language=language),
            pct=partial(percent, language=language),
            report=report,
            programme=summary,
            definitions=asked.definitions.definitions,
            timeline=timeline,
        )
    )


def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(), auto_reload=False
    )


def _readme(asked: PackRequest, head: ChainHead, codes: list[str]) -> str:
    day, known = asked.as_of.isoformat(), asked.known_at.isoformat()
    exact = asked.known_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")  # to the µs
    programmes_args = " ".join(f"--programme {code}" for code in codes)
    return (
        f"Dossier d'audit Tremplin / Tremplin audit pack\n"
        f"Situation au / as of: {day} ; connu au / known at: {known}\n"
        f"Tête de chaîne / chain head: position {head.position}, {head.link}\n\n"
        "Vérifier que le journal n'a pas changé / check the log is unchanged:\n"
        "  tremplin audit verify --pack <this file>\n"
        "Recompter les chiffres depuis le journal / recount the figures from the log:\n"
        f"  tremplin audit replay --as-of {day} --known-at {exact} {programmes_args}\n"
        "  tremplin audit replay --pack <this file>   (compares with this pack)\n\n"
        "SHA256SUMS: sha256sum -c SHA256SUMS\n"
    )


def _zip(files: dict[str, bytes], moment: datetime) -> bytes:
    """Files in name order with one fixed time: the same pack twice is the same bytes."""
    stamp = (max(moment.year, 1980), moment.month, moment.day, moment.hour, moment.minute, 0)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as pack:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            pack.writestr(info, files[name])
    return out.getvalue()


def _json(value: object) -> bytes:
    return json.dumps(msgspec.to_builtins(value), ensure_ascii=False, indent=2).encode()


def _blank(value: object) -> object:
    return "" if value is None else value
