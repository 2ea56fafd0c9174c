"""`make bench-large`: a simulated log of about a million events, written and rebuilt.

The ORT France programme with `TRAINEES` simulated trainees (about 100 events
each). Baseline in the same run: reading and decoding the whole log.
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

from infra.bootstrap import build_application
from infra.programme_file import load_programme
from infra.settings import Settings
from infra.simulator import simulate
from projections.read_models import ReadModels, every_projection
from projections.store import ViewStore
from tests.bench.import_rate import RESULTS, ROOT, _cpu
from tests.bench.projections_rates import read_whole_log, rebuild_each

TRAINEES = 10_000
SEED = 1


def main() -> None:
    with tempfile.TemporaryDirectory(dir=ROOT / "var" / "tmp") as tmp:
        settings = Settings(data_dir=Path(tmp))
        app = build_application(settings)
        load_programme(app, ROOT / "data" / "programmes" / "ort-france-2017-2018.toml")
        report = simulate(app, "ort-france-2017", TRAINEES, SEED)
        head, floor = app.recorder.max_notification_id() or 0, read_whole_log(app)
        models = ReadModels(
            app, ViewStore(settings.views_path), every_projection(app), policies=False
        )
        lines = [
            f"## {date.today().isoformat()} — a simulated log of {head:,} events",
            "",
            f"- machine: {_cpu()}",
            f"- `tremplin simulate --trainees {TRAINEES:,}`: {report.events_recorded:,} events"
            f" in {report.seconds:.0f} s = **{report.events_per_second:,.0f} events/s**",
            f"- reading and decoding the log: {head / floor:,.0f} events/s (baseline)",
        ]
        rebuilt, total = rebuild_each(models, head, floor)
        lines += rebuilt
        lines.append(f"- all five: {head / total:,.0f} events/s ({total:.0f} s)")
        app.close()
    print("\n".join(lines))
    with RESULTS.open("a") as results:
        results.write("\n".join(lines) + "\n\n")


if __name__ == "__main__":
    main()
