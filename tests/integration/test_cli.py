"""The `tremplin` command line, run in-process on real SQLite files in a temporary data folder.

Each run gets TREMPLIN_DATA_DIR as the only setting; the OULAD folder is the small
sample the e2e tier builds (tests/support/oulad_sample.py).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from oulad_sample import OuladSample, build_oulad_sample, ort_programme_events, rewrite_cell

from domain.ids import trainee_id
from infra.cli import ORT_PROGRAMME, main

ORT_LINE = (
    "Programme ort-france-2017: "
    "ORT France — compétences numériques pour l'emploi 2017–2018 (6 milestones)"
)
PERSON = "oulad-111926"  # in DDD-2013J (Fail) and DDD-2014J (Pass)
NO_SIMULATION = ("--simulate", "0")  # init's simulated history is tested in test_simulator.py


def tremplin(data_dir: Path, *args: str, **env: str) -> Result:
    return CliRunner().invoke(main, list(args), env={"TREMPLIN_DATA_DIR": str(data_dir), **env})


def json_lines(result: Result) -> list[dict[str, Any]]:
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> OuladSample:
    return build_oulad_sample(tmp_path_factory.mktemp("oulad-sample"))


@pytest.fixture(scope="module")
def initialised(tmp_path_factory: pytest.TempPathFactory, sample: OuladSample) -> Path:
    """A data folder after `tremplin init`, shared by the tests that only read the log."""
    data_dir = tmp_path_factory.mktemp("data")
    result = tremplin(data_dir, "init", "--oulad", str(sample.directory), *NO_SIMULATION)
    assert result.exit_code == 0
    return data_dir


def test_init_loads_the_ort_programme_and_imports_the_oulad_folder(
    tmp_path: Path, sample: OuladSample
) -> None:
    result = tremplin(tmp_path, "init", "--oulad", str(sample.directory), *NO_SIMULATION)

    assert result.exit_code == 0, result.output
    programme, oulad, views = result.stdout.splitlines()
    assert (programme, oulad) == (
        ORT_LINE,
        f"OULAD: {sample.commands:,} commands, 0 already recorded, {sample.events:,} new events",
    )
    head = ort_programme_events() + sample.events
    assert views.startswith(f"Views: 13 read models up to position {head:,} in ")
    assert (tmp_path / "tremplin.sqlite").is_file()


def test_init_run_twice_records_nothing_the_second_time(
    tmp_path: Path, sample: OuladSample
) -> None:
    tremplin(tmp_path, "init", "--oulad", str(sample.directory), *NO_SIMULATION)

    again = tremplin(tmp_path, "init", "--oulad", str(sample.directory), *NO_SIMULATION)

    assert again.exit_code == 0, again.output
    assert again.stdout.splitlines()[:2] == [
        ORT_LINE,
        f"OULAD: {sample.commands:,} commands, {sample.commands:,} already recorded, 0 new events",
    ]


def test_a_programme_file_with_a_bad_target_is_refused_and_nothing_is_recorded(
    tmp_path: Path,
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        ORT_PROGRAMME.read_text(encoding="utf-8").replace(
            "people_trained = 1200", 'people_trained = "many"'
        ),
        encoding="utf-8",
    )

    result = tremplin(tmp_path, "programme", "load", str(bad))

    assert result.exit_code == 1
    assert f"Error: {bad}: Expected `int | null`, got `str` - at `$.targets.people_trained`" in (
        result.output
    )
    assert tremplin(tmp_path, "events").stdout == ""


def test_a_score_that_is_not_a_number_stops_the_import_naming_file_line_and_column(
    tmp_path: Path, sample: OuladSample
) -> None:
    folder = shutil.copytree(sample.directory, tmp_path / "oulad")
    rewrite_cell(folder / "studentAssessment.csv", 5, "score", "seventy")

    result = tremplin(tmp_path, "import", "oulad", str(folder))

    assert result.exit_code == 1
    assert (
        "Error: import stopped: studentAssessment.csv line 5: score: 'seventy' is not a number"
        in result.output
    )


def test_an_import_stopped_by_a_bad_row_completes_once_the_row_is_fixed(
    tmp_path: Path, sample: OuladSample
) -> None:
    folder = shutil.copytree(sample.directory, tmp_path / "oulad")
    score = sample.rows("studentAssessment.csv")[3]["score"]
    rewrite_cell(folder / "studentAssessment.csv", 5, "score", "seventy")
    tremplin(tmp_path, "import", "oulad", str(folder))
    rewrite_cell(folder / "studentAssessment.csv", 5, "score", score)

    result = tremplin(tmp_path, "import", "oulad", str(folder))

    assert result.exit_code == 0, result.output
    assert len(json_lines(tremplin(tmp_path, "events", "--json"))) == sample.events


def test_events_by_type_and_cohort_are_that_cohorts_enrolments(
    initialised: Path, sample: OuladSample
) -> None:
    rows = json_lines(
        tremplin(initialised, "events", "--json", "--type", "Enrolled", "--cohort", "AAA-2013J")
    )

    students = [
        r["id_student"]
        for r in sample.rows("studentInfo.csv")
        if (r["code_module"], r["code_presentation"]) == ("AAA", "2013J")
    ]
    assert len(rows) == sample.enrolled["AAA-2013J"] == len(students)
    assert {(r["type"], r["cohort_id"]) for r in rows} == {("Enrolled", "AAA-2013J")}
    assert {r["aggregate_id"] for r in rows} == {str(trainee_id(f"oulad-{s}")) for s in students}


def test_events_of_a_person_come_in_log_order(initialised: Path, sample: OuladSample) -> None:
    rows = json_lines(tremplin(initialised, "events", "--json", "--person", PERSON))

    submissions = sum(r["id_student"] == "111926" for r in sample.rows("studentAssessment.csv"))
    assert [r["type"] for r in rows] == [
        "Registered",
        "Enrolled",
        "Enrolled",
        *["AssessmentSubmitted"] * submissions,
        "Left",
        "Left",
    ]
    assert [r["position"] for r in rows] == sorted({r["position"] for r in rows})
    assert [(r["cohort_id"], r["reason"], r["final_result"]) for r in rows[-2:]] == [
        ("DDD-2013J", "other", "fail"),
        ("DDD-2014J", "completed", "pass"),
    ]


def test_events_hide_personal_data_by_default(initialised: Path) -> None:
    rows = json_lines(tremplin(initialised, "events", "--json", "--person", PERSON))
    plain = tremplin(initialised, "events", "--person", PERSON, "--type", "Registered")

    assert rows[0]["personal"] == "[personal data hidden]"
    assert plain.stdout.rstrip().endswith(
        f"person_ref={PERSON} referred_by=None personal=[personal data hidden]"
    )


def test_events_with_personal_show_the_persons_details(initialised: Path) -> None:
    rows = json_lines(
        tremplin(initialised, "events", "--json", "--person", PERSON, "--with-personal")
    )

    assert rows[0]["personal"] == {  # studentInfo.csv, DDD-2013J row of student 111926
        "full_name": None,
        "email": None,
        "phone": None,
        "gender": "M",
        "age_band": "0-35",
        "region": "East Anglian Region",
        "highest_education": "Lower Than A Level",
        "deprivation_band": "30-40%",
        "disability": False,
    }


def test_events_from_and_to_keep_the_positions_between_them(initialised: Path) -> None:
    rows = json_lines(tremplin(initialised, "events", "--json", "--from", "3", "--to", "5"))

    assert [(r["position"], r["type"]) for r in rows] == [
        (3, "MilestoneDeclared"),
        (4, "Accepted"),
        (5, "MilestoneCompleted"),
    ]


def test_events_from_and_to_combine_with_a_type(initialised: Path) -> None:
    declared = json_lines(
        tremplin(
            initialised, "events", "--json", "--from", "3", "--to", "11",
            "--type", "MilestoneDeclared",
        )
    )  # fmt: skip

    # The ORT file's first milestones: each declared (then recorded), then completed (recorded).
    assert [(r["position"], r["milestone_id"]) for r in declared] == [
        (3, "social-platform"),
        (7, "serious-games"),
        (11, "skillsbooting"),
    ]


def test_serve_with_a_port_that_is_not_a_number_is_a_usage_error_naming_the_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[dict[str, Any]] = []
    monkeypatch.setattr("uvicorn.run", lambda app, **options: started.append(options))

    result = tremplin(tmp_path, "serve", TREMPLIN_PORT="abc")

    assert result.exit_code == 2
    assert "Error: TREMPLIN_PORT: Expected `int`, got `str`" in result.output
    assert started == []


def test_serve_listens_where_the_environment_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[dict[str, Any]] = []
    monkeypatch.setattr("uvicorn.run", lambda app, **options: started.append(options))

    result = tremplin(tmp_path, "serve", TREMPLIN_HOST="0.0.0.0", TREMPLIN_PORT="8123")

    assert result.exit_code == 0, result.output
    assert result.stdout == "Tremplin: http://0.0.0.0:8123/  (Ctrl-C to stop)\n"
    assert started == [
        {
            "host": "0.0.0.0",
            "port": 8123,
            "log_level": "warning",
            "proxy_headers": False,
            "forwarded_allow_ips": None,
        }
    ]


@pytest.mark.parametrize(
    ("variable", "value"), [("TREMPLIN_PORT", "99999"), ("TREMPLIN_PORT", "0")]
)
def test_serve_refuses_a_port_outside_1_to_65535(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setattr("uvicorn.run", lambda app, **options: None)
    result = tremplin(tmp_path, "serve", **{variable: value})
    assert result.exit_code == 2
    assert f"Error: {variable}: Expected `int`" in result.output


def test_events_without_a_log_says_to_run_init_and_creates_nothing(tmp_path: Path) -> None:
    result = tremplin(tmp_path / "nowhere", "events")
    assert result.exit_code == 1
    assert "no log at" in result.output
    assert "tremplin init" in result.output
    assert not (tmp_path / "nowhere").exists()


def test_events_refuses_an_unknown_type_and_lists_the_known_ones(tmp_path: Path) -> None:
    result = tremplin(tmp_path, "events", "--type", "left")
    assert result.exit_code == 2
    assert "unknown left; known: Accepted, ApplicationMade" in result.output


def test_events_refuses_a_range_that_ends_before_it_starts(tmp_path: Path) -> None:
    result = tremplin(tmp_path, "events", "--from", "10", "--to", "5")
    assert (result.exit_code, "--to 5 is before --from 10" in result.output) == (2, True)


def test_a_programme_file_with_a_future_completion_records_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        ORT_PROGRAMME.read_text().replace(
            "completed_on = 2018-05-07", "completed_on = 2099-01-01", 1
        )
    )
    result = tremplin(tmp_path, "programme", "load", str(bad))
    assert result.exit_code == 1
    assert "milestone social-platform: occurred_on: 2099-01-01 is in the future" in result.output
    assert "Launched" not in tremplin(tmp_path, "events").output


def test_a_folder_given_as_programme_file_is_named(tmp_path: Path) -> None:
    result = tremplin(tmp_path, "programme", "load", str(tmp_path))
    assert result.exit_code == 1
    assert f"{tmp_path}: Is a directory" in result.output


def test_the_databases_are_readable_by_their_owner_only(tmp_path: Path) -> None:
    data_dir = tmp_path / "var"
    tremplin(data_dir, "programme", "load", str(ORT_PROGRAMME))
    modes = {p.name: p.stat().st_mode & 0o777 for p in [data_dir, *data_dir.iterdir()]}
    assert modes["var"] == 0o700
    assert modes["tremplin.sqlite"] == modes["views.sqlite"] == 0o600
    assert all(mode & 0o077 == 0 for mode in modes.values())
