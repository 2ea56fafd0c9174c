"""The runner on real SQLite files: exactly once across crashes, rebuilds and concurrent writers."""

from __future__ import annotations

import multiprocessing
import os
import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from log_givens import app_at
from oulad_sample import build_oulad_sample

from domain.values import PersonalDetails
from infra.importers.oulad import import_oulad
from projections.catalogue import Catalogue
from projections.read_models import ReadModels
from projections.runner import catch_up, prepare
from projections.store import ViewStore

CRASH_AFTER = 25  # events into the second batch


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    app = app_at(tmp_path / "var")
    import_oulad(app, build_oulad_sample(tmp_path / "oulad").directory)
    app.close()
    return tmp_path / "var"


def rows(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    with sqlite3.connect(path) as connection:
        return {
            table: connection.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
            for table in Catalogue.tables
        }


class CrashingCatalogue(Catalogue):
    """Dies in the middle of its second batch, after writing some of its rows."""

    def __init__(self) -> None:
        self.applied = 0

    def apply(self, connection: sqlite3.Connection, event: Any, position: int) -> None:
        super().apply(connection, event, position)
        self.applied += 1
        if self.applied == CRASH_AFTER + 40:
            os._exit(9)


def crash_while_projecting(data_dir: Path) -> None:
    import projections.runner

    projections.runner.BATCH = 40
    store = ViewStore(data_dir / "views.sqlite")
    projection = CrashingCatalogue()
    prepare(store, projection)
    catch_up(app_at(data_dir), store, projection)


def test_a_crash_inside_a_batch_resumes_without_skipping_or_counting_twice(data_dir: Path) -> None:
    context = multiprocessing.get_context("spawn")
    crashed = context.Process(target=crash_while_projecting, args=(data_dir,))
    crashed.start()
    crashed.join(timeout=60)
    store = ViewStore(data_dir / "views.sqlite")
    resumed_from = store.position("catalogue")
    app = app_at(data_dir)
    catch_up(app, store, Catalogue())
    clean = ViewStore(data_dir / "clean.sqlite")
    prepare(clean, Catalogue())
    catch_up(app, clean, Catalogue())
    assert crashed.exitcode == 9
    assert 0 < resumed_from < (app.recorder.max_notification_id() or 0)
    assert rows(data_dir / "views.sqlite") == rows(data_dir / "clean.sqlite")


def test_a_rebuild_ends_with_the_same_rows(data_dir: Path) -> None:
    app = app_at(data_dir)
    read_models = ReadModels(app, ViewStore(data_dir / "views.sqlite"), [Catalogue()])
    read_models.catch_up()
    before = rows(data_dir / "views.sqlite")
    position = read_models.rebuild("catalogue")
    assert position == app.recorder.max_notification_id()
    assert rows(data_dir / "views.sqlite") == before
    assert sum(enrolled for *_, enrolled, _, _ in before["catalogue_cohorts"]) > 0


class CatalogueCountedAnotherWay(Catalogue):
    """The same read model after a change to how it counts: a new version."""

    version = 2


def test_a_view_built_by_another_version_is_rebuilt_from_the_log(data_dir: Path) -> None:
    app = app_at(data_dir)
    views = data_dir / "views.sqlite"
    ReadModels(app, ViewStore(views), [Catalogue()]).catch_up()
    before, head = rows(views), app.recorder.max_notification_id()
    with sqlite3.connect(views) as connection:  # as a view from before versions
        connection.execute("DELETE FROM projection_versions")
    ReadModels(app, ViewStore(views), [Catalogue()])  # the same code starts again
    assert ViewStore(views).position("catalogue") == head  # kept: counted as version 1
    changed = ReadModels(app, ViewStore(views), [CatalogueCountedAnotherWay()])
    assert changed.store.position("catalogue") == 0  # dropped at start
    assert all(table == [] for table in rows(views).values())
    changed.catch_up()
    assert changed.store.position("catalogue") == head
    assert rows(views) == before
    with sqlite3.connect(views) as connection:
        versions = dict(connection.execute("SELECT name, version FROM projection_versions"))
    assert versions["catalogue"] == 2


def enrol_newcomers(data_dir: Path, writer: str, count: int) -> None:
    app = app_at(data_dir)
    for n in range(count):
        person = f"{writer}-{n}"
        app.register_trainee(person, PersonalDetails(), occurred_on=date(2014, 9, 1))
        app.enrol(person, "oulad", "AAA-2014J", occurred_on=date(2014, 9, 2))


def follow(data_dir: Path, rounds: int) -> None:
    app = app_at(data_dir)
    read_models = ReadModels(app, ViewStore(data_dir / "views.sqlite"), [Catalogue()])
    for _ in range(rounds):
        read_models.catch_up()


def test_concurrent_writers_and_runners_lose_no_event_and_count_none_twice(data_dir: Path) -> None:
    app = app_at(data_dir)
    read_models = ReadModels(app, ViewStore(data_dir / "views.sqlite"), [Catalogue()])
    read_models.catch_up()
    (before,) = cohort_enrolled(data_dir)
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=enrol_newcomers, args=(data_dir, w, 60)) for w in "abc"]
    workers += [context.Process(target=follow, args=(data_dir, 200)) for _ in "xy"]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    read_models.catch_up()
    assert [w.exitcode for w in workers] == [0] * 5
    assert cohort_enrolled(data_dir) == (before + 180,)
    assert read_models.status()[0].lag == 0


def cohort_enrolled(data_dir: Path) -> tuple[int]:
    with sqlite3.connect(data_dir / "views.sqlite") as connection:
        return connection.execute(
            "SELECT enrolled FROM catalogue_cohorts WHERE cohort_id = 'AAA-2014J'"
        ).fetchone()
