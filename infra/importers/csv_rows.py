"""Reading CSV files row by row, with errors that name the file, the line and the field."""

from __future__ import annotations

import csv
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


class ImportRowError(ValueError):
    """A row Tremplin cannot import; nothing from it was recorded."""

    def __init__(self, file: str, line: int, reason: str) -> None:
        super().__init__(f"{file} line {line}: {reason}")
        self.file, self.line, self.reason = file, line, reason


@dataclass(frozen=True)
class Row:
    file: str
    line: int
    values: dict[str, str]

    def error(self, reason: str) -> ImportRowError:
        return ImportRowError(self.file, self.line, reason)

    def text(self, column: str) -> str:
        value = self.values.get(column)
        if value is None:
            raise self.error(f"missing value for column {column!r}")
        return value.strip()

    def integer(self, column: str) -> int:
        value = self.text(column)
        try:
            return int(value)
        except ValueError:
            raise self.error(f"{column}: {value!r} is not a whole number") from None

    def optional_number(self, column: str) -> float | None:
        value = self.text(column)
        if value == "":
            return None
        try:
            return float(value)
        except ValueError:
            raise self.error(f"{column}: {value!r} is not a number") from None

    def choice(self, column: str, allowed: Mapping[str, T]) -> T:
        value = self.text(column)
        if value not in allowed:
            raise self.error(f"{column}: {value!r} is not one of {', '.join(sorted(allowed))}")
        return allowed[value]


def read_rows(path: Path, required: tuple[str, ...]) -> Iterator[Row]:
    """Rows of a CSV file with a header; line numbers count the header as line 1."""
    if not path.is_file():
        raise ImportRowError(path.name, 0, f"file not found in {path.parent}")
    # utf-8-sig: a spreadsheet's byte-order mark is not part of the first column's name
    with path.open(newline="", encoding="utf-8-sig") as handle:
        try:
            yield from _checked_rows(path.name, csv.DictReader(handle), required)
        except UnicodeDecodeError:
            raise ImportRowError(path.name, _first_undecodable(path), "not UTF-8 text") from None


def _checked_rows(
    name: str, reader: csv.DictReader[str], required: tuple[str, ...]
) -> Iterator[Row]:
    header = reader.fieldnames or []
    missing = [column for column in required if column not in header]
    if missing:
        raise ImportRowError(name, 1, f"missing column {', '.join(map(repr, missing))}")
    for values in reader:
        row = Row(name, reader.line_num, values)
        if None in values:  # more fields than the header names
            extra = len(values[None])
            raise row.error(f"{len(header) + extra} fields, the header has {len(header)}")
        yield row


def _first_undecodable(path: Path) -> int:
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                return number
    return 0
