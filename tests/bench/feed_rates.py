"""`make bench`: the job-centre feed on a simulated programme of 1,200 trainees.

Baselines measured in the same run: reading and decoding the whole log (the floor
under any rebuild), and the same page read with one plain SQL query on the feed
table without the consent join (the floor under a page).
"""

from __future__ import annotations

import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from infra.bootstrap import build_application
from infra.cli import ORT_PROGRAMME
from infra.programme_file import load_programme
from infra.settings import Settings
from infra.simulator import simulate
from projections.jobcentre_feed import feed_page
from projections.read_models import ReadModels, every_projection
from projections.store import ViewStore
from tests.bench.import_rate import RESULTS, ROOT, _cpu
from tests.bench.projections_rates import read_whole_log

TRAINEES = 1_200
PAGE = 100


def feed_costs(workdir: Path) -> list[str]:
    settings = Settings(data_dir=workdir / "ort")
    app = build_application(settings)
    spec = load_programme(app, ORT_PROGRAMME)
    simulate(app, spec.code, TRAINEES, 2017)
    views = ViewStore(settings.views_path)
    models = ReadModels(app, views, every_projection(app), policies=False)
    models.catch_up()
    head, floor = app.recorder.max_notification_id() or 0, read_whole_log(app)
    lines = [
        f"- reading and decoding the {head:,}-event log: {head / floor:,.0f} events/s (baseline)"
    ]
    started = time.perf_counter()
    models.rebuild("jobcentre_feed")
    seconds = time.perf_counter() - started
    lines.append(
        f"- rebuild `jobcentre_feed`: {head / seconds:,.0f} events/s"
        f" ({seconds / floor:.2f}× the baseline's time)"
    )
    (centre, entries), *_ = views.query(
        "SELECT jobcentre, count(*) FROM jobcentre_feed_entries GROUP BY jobcentre"
        " ORDER BY count(*) DESC"
    )
    pages, plain, after = [], [], 0
    while True:
        started = time.perf_counter()
        page = feed_page(views, centre, after, PAGE)
        pages.append(time.perf_counter() - started)
        started = time.perf_counter()
        views.query(
            "SELECT * FROM jobcentre_feed_entries WHERE jobcentre = ? AND id > ? ORDER BY id"
            " LIMIT ?",
            (centre, after, PAGE),
        )
        plain.append(time.perf_counter() - started)
        if not page:
            break
        after = page[-1].id
    p50, p99 = _ms(pages, 50), _ms(pages, 99)
    b50, b99 = _ms(plain, 50), _ms(plain, 99)
    lines.append(
        f"- following centre {centre}'s whole feed ({entries:,} entries) in pages of {PAGE}:"
        f" p50 {p50:.2f} ms, p99 {p99:.2f} ms per page;"
        f" plain query p50 {b50:.2f} ms, p99 {b99:.2f} ms → ratio p50 {p50 / b50:.1f}×"
    )
    views.close()
    app.close()
    return lines


def _ms(samples: list[float], percentile: int) -> float:
    return statistics.quantiles(samples, n=100)[percentile - 1] * 1000 if len(samples) > 1 else 0.0


def main() -> None:
    with tempfile.TemporaryDirectory(dir=ROOT / "var" / "tmp") as tmp:
        lines = [f"## {date.today().isoformat()} — job-centre feed", "", f"- machine: {_cpu()}"]
        lines += feed_costs(Path(tmp))
    print("\n".join(lines))
    with RESULTS.open("a") as results:
        results.write("\n".join(lines) + "\n\n")


if __name__ == "__main__":
    main()
