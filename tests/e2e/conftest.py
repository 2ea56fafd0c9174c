"""End-to-end fixtures: a data folder set up by `tremplin init`, and the app over HTTP.

The folder holds the ORT France programme with a small simulated history (30
trainees) and a small OULAD sample (see oulad_sample.py); it is built once per
session, since tests here only read it. A test that writes gets its own copy.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from access_givens import PASSWORD, Cast, given_a_cast
from click.testing import CliRunner
from litestar import Litestar
from litestar.testing import TestClient
from oulad_sample import OuladSample, build_oulad_sample
from served import serve
from simulated_sample import SimulatedHistory, simulated_ort_history
from web_session import signed_in

from infra.cli import main

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
    given_a_cast(folder)  # one account per role, and two API keys
    return folder


@pytest.fixture(scope="session")
def cast(data_dir: Path) -> Cast:
    return Cast.read(data_dir)


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


@pytest.fixture
def visitor(data_dir: Path) -> Iterator[TestClient[Litestar]]:
    """Nobody signed in."""
    yield from serve(data_dir)


@pytest.fixture
def client(data_dir: Path, cast: Cast) -> Iterator[TestClient[Litestar]]:
    """Programme staff (a trainer) signed in: sees every figure and path, with real ids."""
    for client in serve(data_dir):
        yield signed_in(client, cast.emails["trainer"], PASSWORD)


@pytest.fixture
def own_client(own_data_dir: Path) -> Iterator[TestClient[Litestar]]:
    yield from serve(own_data_dir)
