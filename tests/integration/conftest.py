"""Integration fixtures: real SQLite files under pytest's tmp folders."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from oulad_sample import OULAD

from domain.application import Tremplin
from infra.bootstrap import build_application
from infra.importers.oulad import import_oulad
from infra.settings import Settings
from projections.runner import Projection, catch_up, prepare
from projections.store import ViewStore


@pytest.fixture(scope="session")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Tremplin, Settings]]:
    """The whole OULAD subset imported once for the session (about 20 s)."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("oulad-full"))
    app = build_application(settings)
    import_oulad(app, OULAD)
    yield app, settings
    app.close()


def caught_up(app: Tremplin, projection: Projection, folder: Path) -> ViewStore:
    """A fresh view store in `folder` with `projection` caught up on the app's log, timed."""
    store = ViewStore(folder / "views.sqlite")
    prepare(store, projection)
    started = time.perf_counter()
    catch_up(app, store, projection)
    seconds = time.perf_counter() - started
    head = app.recorder.max_notification_id() or 0
    print(
        f"\n{projection.name}: {head:,} events in {seconds:.1f} s, {head / seconds:,.0f} events/s"
    )
    return store
