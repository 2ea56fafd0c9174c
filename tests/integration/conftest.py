"""Integration fixtures: real SQLite files under pytest's tmp folders."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from oulad_sample import OULAD

from domain.application import Tremplin
from infra.bootstrap import build_application
from infra.importers.oulad import import_oulad
from infra.settings import Settings


@pytest.fixture(scope="session")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Tremplin, Settings]]:
    """The whole OULAD subset imported once for the session (about 20 s)."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("oulad-full"))
    app = build_application(settings)
    import_oulad(app, OULAD)
    yield app, settings
    app.close()
