"""End-to-end fixtures: a data folder set up by `tremplin init`, and the app over HTTP.

The folder holds the ORT France programme with a small simulated history (30
trainees) and a small OULAD sample (see oulad_sample.py); it is built once per
session, since tests here only read it. A test that writes gets its own copy.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from litestar import Litestar
from litestar.testing import TestClient
from oulad_sample import OuladSample, build_oulad_sample
from simulated_sample import SimulatedHistory, simulated_ort_history

from infra.cli import main
from infra.settings import Settings
from web.app import create_app

SIMULATED_TRAINEES = 30


@pytest.fixture(scope="session")
def oulad_sample(tmp_path_factory: pytest.TempPathFactory) -> OuladSample:
    return build_oulad_sample(tmp_path_factory.mktemp("oulad-sample"))


@pytest.fixture(scope="session")
def simulated() -> SimulatedHistory:
    return simulated_ort_history(SIMULATED_TRAINEES)


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory: pytest.TempPathFactory, oulad_sample: OuladSample) -> Path:
    """A data folder after `tremplin init --oulad <sample> --simulate 30`: read it, do not
    write to it."""
    folder = tmp_path_factory.mktemp("data")
    result = CliRunner().invoke(
        main,
        ["init", "--oulad", str(oulad_sample.directory), "--simulate", str(SIMULATED_TRAINEES)],
        env={"TREMPLIN_DATA_DIR": str(folder)},
    )
    assert result.exit_code == 0, result.output
    return folder


@pytest.fixture
def own_data_dir(data_dir: Path, tmp_path: Path) -> Path:
    """A copy of the session's log, for a test that records events."""
    source = sqlite3.connect(data_dir / "tremplin.sqlite")
    target = sqlite3.connect(tmp_path / "tremplin.sqlite")
    with source, target:
        source.backup(target)
    source.close()
    target.close()
    return tmp_path


def serve(folder: Path) -> Iterator[TestClient[Litestar]]:
    """The app over HTTP with its lifespan running, once its views have read the whole log."""
    app = create_app(Settings(data_dir=folder))
    with TestClient(app=app) as client:
        deadline = time.monotonic() + 20
        while client.get("/api/health").json()["lag"] > 0:
            assert time.monotonic() < deadline, "the views did not catch up within 20 s"
            time.sleep(0.05)
        yield client
    app.state.tremplin.close()


@pytest.fixture
def client(data_dir: Path) -> Iterator[TestClient[Litestar]]:
    yield from serve(data_dir)


@pytest.fixture
def own_client(own_data_dir: Path) -> Iterator[TestClient[Litestar]]:
    yield from serve(own_data_dir)
