"""`tremplin audit replay`: the outcome figures recounted from the log alone equal the live
ones, at any day and for any state of knowledge — and a live view that went wrong is caught."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from domain.application import Tremplin
from infra.audit_replay import replay
from infra.bootstrap import build_application
from infra.cli import main
from infra.settings import Settings
from projections.outcome_figures import figures
from projections.outcome_timeline import month_ends, people_over_time
from projections.store import ViewStore

OULAD_DAYS = [date(2013, 6, 30), date(2014, 1, 31), date(2014, 12, 31), date(2015, 6, 30)]
ORT_DAYS = [date(2017, 9, 30), date(2018, 1, 15), date(2018, 6, 30), date(2019, 6, 30)]


@pytest.fixture(scope="module")
def log(data_dir: Path) -> Iterator[tuple[Tremplin, ViewStore]]:
    settings = Settings.from_env({"TREMPLIN_DATA_DIR": str(data_dir)})
    app, views = build_application(settings), ViewStore(settings.views_path)
    yield app, views
    views.close()
    app.close()


def audit_replay(folder: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        main, ["audit", "replay", *args], env={"TREMPLIN_DATA_DIR": str(folder)}
    )
    return result.exit_code, result.stdout + result.stderr


DAYS = [*(("oulad", day) for day in OULAD_DAYS), *(("ort-france-2017", day) for day in ORT_DAYS)]


@pytest.mark.parametrize(("programme", "day"), DAYS)
def test_the_recount_equals_the_live_figures_at_every_day(
    log: tuple[Tremplin, ViewStore], programme: str, day: date
) -> None:
    app, views = log
    result = replay(app, views, day, programmes=[programme])
    (recount,) = result.recounts
    assert recount.differences == []
    assert recount.replayed == recount.live
    assert recount.replayed.as_of == day
    # Not an empty agreement: people were counted by then.
    assert recount.replayed.figures["enrolled"].value > 0


def test_the_recount_from_half_the_log_equals_what_was_known_then(
    log: tuple[Tremplin, ViewStore],
) -> None:
    app, views = log
    head = app.recorder.max_notification_id() or 0
    half = replay(app, views, date(2019, 6, 30), position=head // 2)
    whole = replay(app, views, date(2019, 6, 30))
    assert half.identical
    assert whole.identical
    assert (half.through, whole.through) == (head // 2, head)
    assert 0 < half.events < whole.events
    # What was known halfway is less than what is known now, and the live view agrees.
    halfway = sum(r.live.figures["left"].value for r in half.recounts)
    now = sum(r.live.figures["left"].value for r in whole.recounts)
    assert halfway < now


def test_the_command_says_identical_and_exits_zero(data_dir: Path) -> None:
    code, output = audit_replay(data_dir, "--as-of", "2018-06-30", "--programme", "ort-france-2017")
    assert code == 0, output
    assert "ort-france-2017 : identique (enrolled 30," in output
    assert output.rstrip().endswith("identical")


def test_a_live_view_that_went_wrong_is_found(own_data_dir: Path) -> None:
    args = ["--as-of", "2019-06-30", "--programme", "ort-france-2017", "--json"]
    assert audit_replay(own_data_dir, *args)[0] == 0  # the copy's outcome view, built
    with sqlite3.connect(own_data_dir / "views.sqlite") as views:
        (person,) = views.execute(
            "SELECT person_ref FROM outcome_enrolments WHERE programme_code = 'ort-france-2017'"
            " AND reason = 'completed' ORDER BY person_ref LIMIT 1"
        ).fetchone()
        views.execute(
            "UPDATE outcome_enrolments SET reason = 'abandoned' WHERE person_ref = ?", (person,)
        )
    code, output = audit_replay(own_data_dir, *args)
    assert code == 1, output
    report = json.loads(output)
    assert report["identical"] is False
    (programme,) = report["programmes"]
    changed = {d["path"]: (d["before"], d["after"]) for d in programme["differences"]}
    live, recounted = changed["figures.completed.value"]
    assert recounted == live + 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--as-of", "2018-02-30"], "Invalid value for '--as-of'"),
        (["--as-of", "2018-06-30", "--position", "0"], "Invalid value for '--position'"),
        (["--as-of", "2018-06-30", "--position", "99999999"], "position 99999999 is not in"),
        (["--as-of", "2018-06-30", "--position", "5", "--known-at", "2020-01-01"], "not both"),
        (["--as-of", "2018-06-30", "--programme", "nope"], "no programme nope"),
    ],
)
def test_bad_input_is_named(data_dir: Path, args: list[str], message: str) -> None:
    code, output = audit_replay(data_dir, *args)
    assert code != 0
    assert message in output


def test_people_over_time_agrees_with_the_figures_of_each_day(
    log: tuple[Tremplin, ViewStore],
) -> None:
    _, views = log
    known_at = datetime(2030, 1, 1, tzinfo=UTC)
    for programme, days in (("oulad", OULAD_DAYS), ("ort-france-2017", ORT_DAYS)):
        for point in people_over_time(views, programme, days, known_at):
            counted = figures(views, programme, point.day, known_at).figures
            assert (point.enrolled, point.left) == (
                counted["enrolled"].value,
                counted["left"].value,
            )
            assert point.in_training == point.enrolled - point.left


def test_month_ends_run_from_the_first_month_to_the_day_asked() -> None:
    assert month_ends(date(2017, 11, 14), date(2018, 2, 10)) == [
        date(2017, 11, 30),
        date(2017, 12, 31),
        date(2018, 1, 31),
        date(2018, 2, 10),
    ]
