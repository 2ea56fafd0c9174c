"""`make bench`: the OULAD import rate, against plain sqlite3 inserting the same rows.

Both are measured in the same run, on the same machine, so the ratio means
something even when the machine is busy. Results are appended to RESULTS.md.
"""

from __future__ import annotations

import platform
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from infra.bootstrap import build_application
from infra.importers.oulad import import_oulad
from infra.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
RESULTS = Path(__file__).with_name("RESULTS.md")


def measure_import(workdir: Path) -> tuple[float, int, int, Path]:
    settings = Settings(data_dir=workdir / "import")
    app = build_application(settings)
    started = time.perf_counter()
    report = import_oulad(app, ROOT / "data" / "oulad")
    seconds = time.perf_counter() - started
    app.close()
    return seconds, report.events_recorded, report.commands, settings.database_path


def measure_executemany(rows: list[tuple[object, ...]], workdir: Path, run: int) -> float:
    """The same rows, inserted by plain sqlite3 in one transaction (WAL, like the log)."""
    connection = sqlite3.connect(workdir / f"baseline-{run}.sqlite", isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute(
        "CREATE TABLE stored_events (originator_id TEXT, originator_version INTEGER,"
        " topic TEXT, state BLOB, PRIMARY KEY (originator_id, originator_version))"
    )
    started = time.perf_counter()
    connection.execute("BEGIN")
    connection.executemany("INSERT INTO stored_events VALUES (?, ?, ?, ?)", rows)
    connection.execute("COMMIT")
    seconds = time.perf_counter() - started
    connection.close()
    return seconds


def main() -> None:
    with tempfile.TemporaryDirectory(dir=ROOT / "var" / "tmp") as tmp:
        workdir = Path(tmp)
        seconds, events, commands, database = measure_import(workdir)
        with sqlite3.connect(database) as log:
            rows = log.execute("SELECT * FROM stored_events ORDER BY rowid").fetchall()
        baseline = statistics.median(measure_executemany(rows, workdir, run) for run in range(3))
    import_rate, raw_rate = events / seconds, len(rows) / baseline
    lines = [
        f"## {date.today().isoformat()} — OULAD import",
        "",
        f"- machine: {platform.machine()}, {_cpu()}, Python {platform.python_version()}",
        f"- import: {commands:,} commands, {events:,} events in {seconds:.1f} s"
        f" = **{import_rate:,.0f} events/s** ({commands / seconds:,.0f} commands/s)",
        f"- plain `sqlite3.executemany`, same {len(rows):,} rows, one transaction (median of 3):"
        f" {baseline:.2f} s = **{raw_rate:,.0f} rows/s**",
        f"- ratio: the import runs at **1/{raw_rate / import_rate:.0f}** of raw insert speed",
        "",
    ]
    print("\n".join(lines))
    with RESULTS.open("a") as results:
        results.write("\n".join(lines) + "\n")


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return f"{line.split(':', 1)[1].strip()} ×{_cores()}"
    except OSError:
        pass
    return f"{platform.processor() or 'unknown CPU'} ×{_cores()}"


def _cores() -> int:
    import os

    return os.cpu_count() or 1


if __name__ == "__main__":
    sys.exit(main())
