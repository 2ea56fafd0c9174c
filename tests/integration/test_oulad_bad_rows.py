"""A malformed row stops the import at its file and line, records nothing of itself,
and a rerun after the fix continues without recording anything twice."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from eventsourcing.utils import get_topic
from oulad_sample import build_oulad_sample

from domain.application import Tremplin
from domain.learning import AssessmentSubmitted
from infra.bootstrap import build_application
from infra.importers.csv_rows import ImportRowError
from infra.importers.oulad import import_oulad
from infra.settings import Settings


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    return build_oulad_sample(tmp_path / "oulad").directory


@pytest.fixture
def app(tmp_path: Path) -> Tremplin:
    return build_application(Settings(data_dir=tmp_path / "var"))


def submissions(app: Tremplin) -> list[tuple[str, str]]:
    """(assessment, cohort) of each recorded submission, in log order."""
    found = app.recorder.select_notifications(1, 100_000, topics=[get_topic(AssessmentSubmitted)])
    events = [app.mapper.to_domain_event(n) for n in found]
    return [(e.assessment_id, str(e.originator_id)) for e in events]


def set_field(path: Path, line: int, column: str, value: str) -> str:
    """Change one field of one line of a CSV file; returns the line as it was."""
    lines = path.read_text().splitlines()
    header, original = lines[0].split(","), lines[line - 1]
    fields = original.split(",")
    fields[header.index(column)] = value
    lines[line - 1] = ",".join(fields)
    path.write_text("\n".join(lines) + "\n")
    return original


def restore_line(path: Path, line: int, original: str) -> None:
    lines = path.read_text().splitlines()
    lines[line - 1] = original
    path.write_text("\n".join(lines) + "\n")


def test_a_non_numeric_score_stops_at_its_line_and_a_rerun_continues(
    sample: Path, app: Tremplin
) -> None:
    path = sample / "studentAssessment.csv"
    total = len(path.read_text().splitlines()) - 1
    original = set_field(path, 12, "score", "7O")
    with pytest.raises(ImportRowError) as stopped:
        import_oulad(app, sample)
    assert (stopped.value.file, stopped.value.line) == ("studentAssessment.csv", 12)
    assert "score: '7O' is not a number" in str(stopped.value)
    assert len(submissions(app)) == 10  # lines 2 to 11, nothing of line 12
    restore_line(path, 12, original)
    import_oulad(app, sample)
    recorded = submissions(app)
    assert len(recorded) == total
    assert max(Counter(recorded).values()) == 1


def test_a_missing_column_stops_before_any_row_of_its_file(sample: Path, app: Tremplin) -> None:
    path = sample / "studentAssessment.csv"
    path.write_text(path.read_text().replace(",score\n", ",mark\n", 1))
    with pytest.raises(
        ImportRowError, match=r"studentAssessment\.csv line 1: missing column 'score'"
    ):
        import_oulad(app, sample)
    assert submissions(app) == []


def test_an_unknown_assessment_id_is_named(sample: Path, app: Tremplin) -> None:
    path = sample / "studentAssessment.csv"
    set_field(path, 5, "id_assessment", "99999")
    with pytest.raises(
        ImportRowError, match=r"line 5: id_assessment: unknown assessment id '99999'"
    ):
        import_oulad(app, sample)
    assert len(submissions(app)) == 3


def test_a_short_row_names_the_missing_value(sample: Path, app: Tremplin) -> None:
    path = sample / "studentInfo.csv"
    lines = path.read_text().splitlines()
    lines[3] = lines[3].rsplit(",", 1)[0]
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(ImportRowError, match=r"studentInfo\.csv line 4: missing value for column"):
        import_oulad(app, sample)


def test_an_edited_row_already_imported_is_a_conflict_not_a_silent_change(
    sample: Path, app: Tremplin
) -> None:
    import_oulad(app, sample)
    head = app.recorder.max_notification_id()
    path = sample / "studentAssessment.csv"
    set_field(path, 3, "score", "1")
    with pytest.raises(
        ImportRowError,
        match=r"line 3: oulad/submission/\d+/\d+ was already imported with other values",
    ):
        import_oulad(app, sample)
    assert app.recorder.max_notification_id() == head


def test_a_day_offset_beyond_the_calendar_is_named(sample: Path, app: Tremplin) -> None:
    set_field(sample / "studentAssessment.csv", 6, "date_submitted", "99999999")
    with pytest.raises(ImportRowError, match=r"line 6: date_submitted: 99999999 days from"):
        import_oulad(app, sample)
    assert len(submissions(app)) == 4


def test_a_file_that_is_not_utf8_names_its_line(sample: Path, app: Tremplin) -> None:
    path = sample / "studentInfo.csv"
    lines = path.read_bytes().split(b"\n")
    lines[6] = lines[6].replace(b"Scotland", b"Sc\xf6tland").replace(b"Region", b"R\xf6gion")
    path.write_bytes(b"\n".join(lines))
    with pytest.raises(ImportRowError, match=r"studentInfo\.csv line 7: not UTF-8 text"):
        import_oulad(app, sample)


def test_a_byte_order_mark_is_not_part_of_the_first_column(sample: Path, app: Tremplin) -> None:
    path = sample / "courses.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    report = import_oulad(app, sample)
    assert report.per_file["courses.csv"] == 12


def test_the_report_counts_what_this_run_recorded(sample: Path, app: Tremplin) -> None:
    report = import_oulad(app, sample)
    assert report.events_recorded == app.recorder.max_notification_id()
    assert report.events_recorded == 2 * report.commands + 12  # records, and 12 cohort claims
