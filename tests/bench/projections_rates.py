"""`make bench`: read models on the OULAD log — rebuild rates, lag under load, leaderboard reads.

Baselines measured in the same run: reading and decoding the whole log (the floor
of any rebuild), and Redis sorted sets for leaderboard reads.
"""

from __future__ import annotations

import random
import statistics
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

import redis

from domain.application import Tremplin
from domain.values import PersonalDetails
from infra.bootstrap import build_application
from infra.importers.oulad import import_oulad
from infra.settings import Settings
from projections.gamification import Gamification
from projections.leaderboard import Leaderboard, programme_scope, rank_of, top
from projections.read_models import ReadModels, every_projection
from projections.store import ViewStore
from tests.bench.import_rate import RESULTS, ROOT, _cpu

BOARD_PEOPLE = 100_000


def rebuild_rates(workdir: Path) -> list[str]:
    settings = Settings(data_dir=workdir / "oulad")
    app = build_application(settings)
    import_oulad(app, ROOT / "data" / "oulad")
    head, floor = app.recorder.max_notification_id() or 0, read_whole_log(app)
    read_models = ReadModels(
        app, ViewStore(settings.views_path), every_projection(app), policies=False
    )
    lines = [
        f"- reading and decoding the {head:,}-event log: {head / floor:,.0f} events/s (baseline)"
    ]
    rebuilt, total = rebuild_each(read_models, head, floor)
    lines += rebuilt
    lines.append(f"- all five, one after the other: {head / total:,.0f} events/s ({total:.1f} s)")
    lines += lag_under_load(app, read_models)
    app.close()
    return lines


def read_whole_log(app: Tremplin) -> float:
    """Seconds to read and decode every event: the floor under any rebuild."""
    head = app.recorder.max_notification_id() or 0
    started = time.perf_counter()
    for start in range(1, head + 1, 5000):
        for notification in app.recorder.select_notifications(start, 5000):
            app.mapper.to_domain_event(notification)
    return time.perf_counter() - started


def rebuild_each(models: ReadModels, head: int, floor: float) -> tuple[list[str], float]:
    """Rebuild every read model in turn; a line each, and the seconds for all."""
    lines, total = [], 0.0
    for name in models.projections:
        started = time.perf_counter()
        models.rebuild(name)
        seconds = time.perf_counter() - started
        total += seconds
        lines.append(
            f"- rebuild `{name}`: {head / seconds:,.0f} events/s"
            f" ({seconds / floor:.1f}× the baseline's time)"
        )
    return lines, total


def lag_under_load(
    app: object, read_models: ReadModels, seconds: float = 15, rate: int = 100
) -> list[str]:
    """Enrolments written at a steady rate while the runner follows; lag = visible − saved."""
    from domain.application import Tremplin

    assert isinstance(app, Tremplin)
    saved: dict[int, float] = {}
    seen: dict[int, float] = {}
    stop = threading.Event()

    def follow() -> None:
        while not stop.is_set():
            read_models.catch_up()
            visible = read_models.store.read_position("catalogue")
            now = time.perf_counter()
            for position in [p for p in saved if p <= visible and p not in seen]:
                seen[position] = now
            time.sleep(0.005)

    follower = threading.Thread(target=follow)
    follower.start()
    day = date(2014, 10, 2)
    for n in range(int(seconds * rate)):
        person = f"bench-{n}"
        app.register_trainee(person, PersonalDetails(), occurred_on=day)
        result = app.enrol(person, "oulad", "AAA-2014J", occurred_on=day)
        saved[result.position or 0] = time.perf_counter()
        time.sleep(1 / rate)
    time.sleep(1)
    stop.set()
    follower.join()
    lags = sorted((seen[p] - t) * 1000 for p, t in saved.items() if p in seen)
    p50, p99 = statistics.median(lags), lags[int(len(lags) * 0.99) - 1]
    return [
        f"- lag under {rate} enrolments/s for {seconds:.0f} s, all five read models in one"
        f" follower polling every 5 ms: p50 {p50:.0f} ms, p99 {p99:.0f} ms"
        f" ({len(lags):,} of {len(saved):,} seen)"
    ]


def leaderboard_reads(workdir: Path) -> list[str]:
    """A programme board of 100,000 trainees built through the commands, read 2,000 times."""
    settings = Settings(data_dir=workdir / "board")
    app = build_application(settings, clock=lambda: date(2019, 1, 1))
    from domain.programme import Targets
    from domain.values import Period

    period = Period(date(2017, 7, 1), date(2018, 12, 31))
    app.launch_programme("bench", "Bench", (), period, Targets(), occurred_on=date(2017, 7, 1))
    app.open_cohort("bench", "bench-1", "dev", period, occurred_on=date(2017, 7, 1))
    rng = random.Random(7)
    with app.batch():
        for n in range(BOARD_PEOPLE):
            person = f"p{n}"
            app.register_trainee(person, PersonalDetails(), occurred_on=date(2017, 7, 2))
            app.enrol(person, "bench", "bench-1", occurred_on=date(2017, 7, 2))
            for a in range(rng.randint(0, 4)):
                app.submit_assessment(
                    person, "bench-1", f"a{a}", 50, occurred_on=date(2017, 8, 1 + a)
                )
    store = ViewStore(settings.views_path)
    models = ReadModels(app, store, [Gamification(), Leaderboard()], policies=False)
    models.catch_up()
    scope = programme_scope("bench")
    people = [f"p{rng.randrange(BOARD_PEOPLE)}" for _ in range(2000)]
    ours = _timed(lambda person: (top(store, scope, 10), rank_of(store, scope, person)), people)
    board = {
        row["person_ref"]: row["xp"]
        for row in store.query(
            "SELECT person_ref, xp FROM leaderboard_scores WHERE scope = ?", (scope,)
        )
    }
    client = redis.Redis()
    client.delete("bench-board")
    client.zadd("bench-board", board)
    theirs = _timed(
        lambda person: (
            client.zrevrange("bench-board", 0, 9, withscores=True),
            client.zrevrank("bench-board", person),
        ),
        people,
    )
    client.delete("bench-board")
    app.close()
    return [
        f"- leaderboard read at {len(board):,} trainees (top 10 + one person's rank), SQLite views:"
        f" p50 {ours[0]:.2f} ms, p99 {ours[1]:.2f} ms",
        f"- the same reads on a Redis sorted set (baseline): p50 {theirs[0]:.2f} ms,"
        f" p99 {theirs[1]:.2f} ms"
        f" → ratio p50 {ours[0] / theirs[0]:.1f}×",
    ]


def _timed(read: object, people: list[str]) -> tuple[float, float]:
    assert callable(read)
    times = []
    for person in people:
        started = time.perf_counter()
        read(person)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.99) - 1]


def main() -> None:
    with tempfile.TemporaryDirectory(dir=ROOT / "var" / "tmp") as tmp:
        lines = [f"## {date.today().isoformat()} — read models", "", f"- machine: {_cpu()}"]
        lines += rebuild_rates(Path(tmp))
        lines += leaderboard_reads(Path(tmp))
    print("\n".join(lines))
    with RESULTS.open("a") as results:
        results.write("\n".join(lines) + "\n\n")


if __name__ == "__main__":
    main()
