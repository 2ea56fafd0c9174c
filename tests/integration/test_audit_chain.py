"""The log's hash chain: kept as the log grows, and an edit made behind the platform's back
is found at its position by `tremplin audit verify`."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from log_givens import app_at, given_a_cohort_and_a_person

from domain.values import PersonalDetails
from infra.audit_chain import verify
from infra.cli import main
from infra.sqlite_log import CHAIN_TABLE, GENESIS, unsalted_link


def audit_verify(folder: Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["audit", "verify"], env={"TREMPLIN_DATA_DIR": str(folder)})
    return result.exit_code, result.stdout + result.stderr


def test_every_event_is_chained_as_the_log_grows(tmp_path: Path) -> None:
    app = app_at(tmp_path)
    given_a_cohort_and_a_person(app)  # 3 saves
    head = app.recorder.max_notification_id()
    app.close()
    report = verify(tmp_path / "tremplin.sqlite")
    assert (report.events, report.head, report.broken_at) == (head, head, None)
    code, output = audit_verify(tmp_path)
    assert code == 0
    assert output.startswith(f"Chaîne intacte : {head} événements ; tête {head} ")
    assert report.head_link in output


def test_an_edited_event_is_found_at_its_position(tmp_path: Path) -> None:
    app = app_at(tmp_path)
    given_a_cohort_and_a_person(app)
    app.close()
    with sqlite3.connect(tmp_path / "tremplin.sqlite") as log:
        log.execute(
            "UPDATE stored_events SET state = replace(state, 'dev-1', 'dev-2') WHERE rowid = 2"
        )
    code, output = audit_verify(tmp_path)
    assert code == 1
    assert (
        "Chaîne rompue à la position 2 (maillon différent) ; intacte jusqu'à la position 1"
        in output
    )


def test_a_deleted_event_breaks_the_chain_where_it_was(tmp_path: Path) -> None:
    app = app_at(tmp_path)
    given_a_cohort_and_a_person(app)
    app.close()
    with sqlite3.connect(tmp_path / "tremplin.sqlite") as log:
        log.execute("DELETE FROM stored_events WHERE rowid = 2")
    report = verify(tmp_path / "tremplin.sqlite")
    assert (report.broken_at, report.reason) == (2, "missing event")


def test_deleting_the_last_events_is_found_too(tmp_path: Path) -> None:
    app = app_at(tmp_path)
    given_a_cohort_and_a_person(app)
    head = app.recorder.max_notification_id() or 0
    app.close()
    with sqlite3.connect(tmp_path / "tremplin.sqlite") as log:
        log.execute("DELETE FROM stored_events WHERE rowid = ?", (head,))
    report = verify(tmp_path / "tremplin.sqlite")
    assert (report.broken_at, report.reason, report.head) == (head, "missing event", head - 1)


def test_a_log_older_than_the_chain_is_chained_at_its_next_write(tmp_path: Path) -> None:
    app = app_at(tmp_path)
    given_a_cohort_and_a_person(app)
    app.close()
    with sqlite3.connect(tmp_path / "tremplin.sqlite") as log:
        log.execute(f"DELETE FROM {CHAIN_TABLE}")  # as a log written before the chain
    assert verify(tmp_path / "tremplin.sqlite").broken_at == 1
    app = app_at(tmp_path)
    app.register_trainee("p-2", PersonalDetails(), occurred_on=date(2017, 8, 2))
    head = app.recorder.max_notification_id()
    app.close()
    assert verify(tmp_path / "tremplin.sqlite").broken_at is None
    assert verify(tmp_path / "tremplin.sqlite").events == head


def unsalted(log: sqlite3.Connection) -> None:
    """Rewrite the chain as Tremplin wrote it before salts (no salt column)."""
    log.execute(f"DROP TABLE {CHAIN_TABLE}")
    log.execute(f"CREATE TABLE {CHAIN_TABLE} (position INTEGER PRIMARY KEY, link BLOB NOT NULL)")
    previous = GENESIS
    rows = log.execute(
        "SELECT rowid, originator_id, originator_version, topic, state FROM stored_events"
        " ORDER BY rowid"
    ).fetchall()
    for position, originator, version, topic, state in rows:
        previous = unsalted_link(previous, position, originator, version, topic, state)
        log.execute(f"INSERT INTO {CHAIN_TABLE} VALUES (?, ?)", (position, previous))


def test_a_chain_without_salts_is_checked_then_salted_at_the_next_start(tmp_path: Path) -> None:
    app = app_at(tmp_path)
    given_a_cohort_and_a_person(app)
    head = app.recorder.max_notification_id()
    app.close()
    with sqlite3.connect(tmp_path / "tremplin.sqlite") as log:
        unsalted(log)
    before = verify(tmp_path / "tremplin.sqlite")  # read as it was written, before any start
    assert (before.events, before.broken_at) == (head, None)
    app_at(tmp_path).close()  # a start, no write
    report = verify(tmp_path / "tremplin.sqlite")
    assert (report.events, report.broken_at) == (head, None)
    with sqlite3.connect(tmp_path / "tremplin.sqlite") as log:
        salts = [bytes(s) for (s,) in log.execute(f"SELECT salt FROM {CHAIN_TABLE}")]
    assert len(salts) == head
    assert len(set(salts)) == head  # one of its own for each event
    assert {len(s) for s in salts} == {16}


def test_a_broken_chain_without_salts_is_not_replaced(tmp_path: Path) -> None:
    app = app_at(tmp_path)
    given_a_cohort_and_a_person(app)
    app.close()
    with sqlite3.connect(tmp_path / "tremplin.sqlite") as log:
        unsalted(log)
        log.execute(
            "UPDATE stored_events SET state = replace(state, 'dev-1', 'dev-2') WHERE rowid = 2"
        )
    assert verify(tmp_path / "tremplin.sqlite").broken_at == 2
    with pytest.raises(RuntimeError, match="broken at position 2"):
        app_at(tmp_path)
    with sqlite3.connect(tmp_path / "tremplin.sqlite") as log:
        columns = [row[1] for row in log.execute(f"PRAGMA table_info({CHAIN_TABLE})")]
    assert columns == ["position", "link"]  # the evidence is kept


def test_a_pack_quoting_a_position_the_log_does_not_have_says_so_in_french(
    tmp_path: Path,
) -> None:
    """Not « le maillon est None »: the log has no such position."""
    app = app_at(tmp_path)
    given_a_cohort_and_a_person(app)
    app.close()
    pack = tmp_path / "pack.zip"
    with zipfile.ZipFile(pack, "w") as written:
        written.writestr("chain.json", json.dumps({"position": 1234, "link": "ab" * 32}))
    result = CliRunner().invoke(
        main, ["audit", "verify", "--pack", str(pack)], env={"TREMPLIN_DATA_DIR": str(tmp_path)}
    )
    assert result.exit_code == 1
    assert "le journal n'a pas de position 1234, le dossier y cite abab" in result.stderr
    assert "None" not in result.stdout + result.stderr


def test_a_log_without_a_chain_table_is_reported_unchained(tmp_path: Path) -> None:
    app = app_at(tmp_path)
    given_a_cohort_and_a_person(app)
    app.close()
    with sqlite3.connect(tmp_path / "tremplin.sqlite") as log:
        log.execute(f"DROP TABLE {CHAIN_TABLE}")
    report = verify(tmp_path / "tremplin.sqlite")
    assert (report.broken_at, report.reason) == (1, "missing link")


def test_the_chain_is_read_page_by_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = app_at(tmp_path)
    given_a_cohort_and_a_person(app)
    head = app.recorder.max_notification_id()
    app.close()
    monkeypatch.setattr("infra.audit_chain.PAGE", 2)  # every event on a page of its own or two
    report = verify(tmp_path / "tremplin.sqlite")
    assert (report.events, report.broken_at) == (head, None)
    with sqlite3.connect(tmp_path / "tremplin.sqlite") as log:
        log.execute("UPDATE stored_events SET state = state || x'20' WHERE rowid = ?", (head,))
    assert verify(tmp_path / "tremplin.sqlite").broken_at == head
