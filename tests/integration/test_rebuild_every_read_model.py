"""Every read model, dropped and rebuilt from the log, ends with exactly the rows it had."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from oulad_sample import build_oulad_sample

from domain.application import Tremplin
from infra.bootstrap import build_application
from infra.importers.oulad import import_oulad
from infra.programme_file import load_programme
from infra.settings import Settings
from infra.simulator import simulate
from projections.read_models import ReadModels, every_projection
from projections.store import ViewStore

ORT = Path(__file__).resolve().parents[2] / "data" / "programmes" / "ort-france-2017-2018.toml"


@pytest.fixture(scope="module")
def read_models(tmp_path_factory: pytest.TempPathFactory) -> ReadModels:
    root = tmp_path_factory.mktemp("rebuild")
    settings = Settings(data_dir=root / "var")
    app: Tremplin = build_application(settings)
    load_programme(app, ORT)
    import_oulad(app, build_oulad_sample(root / "oulad").directory)
    simulate(app, "ort-france-2017", 20, 7)  # offers, applications, coaching, badges
    app.plan_coaching_session(
        "sim-7-0001", "sim-7-mentor-001", date.today(), occurred_on=date.today()
    )
    models = ReadModels(app, ViewStore(settings.views_path), every_projection(app))
    models.catch_up()
    models.catch_up()  # the badges the policy recorded in the first pass
    return models


def rows_of(store: ViewStore, tables: tuple[str, ...]) -> dict[str, list[tuple[Any, ...]]]:
    with sqlite3.connect(store.path) as connection:
        return {
            table: sorted(connection.execute(f"SELECT * FROM {table}").fetchall(), key=repr)
            for table in tables
        }


@pytest.mark.parametrize(
    "name",
    [
        "catalogue",
        "learner_paths",
        "people_access",
        "outcomes",
        "gamification",
        "leaderboard",
        "coaching",
        "job_offers",
        "person_badges",
        "wall",
        "job_centres",
        "jobcentre_feed",
    ],
)
def test_a_rebuilt_read_model_has_the_same_rows(read_models: ReadModels, name: str) -> None:
    tables = read_models.projections[name].tables
    before = rows_of(read_models.store, tables)
    position = read_models.rebuild(name)
    assert position == read_models.app.recorder.max_notification_id()
    assert rows_of(read_models.store, tables) == before
    assert sum(len(rows) for rows in before.values()) > 0
