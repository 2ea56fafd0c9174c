"""`make bench`: what auditing costs on the OULAD log — the chain check, the recount, the pack.

Baseline measured in the same run: reading and decoding the whole log, the floor
under anything that reads every event.
"""

from __future__ import annotations

import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

from infra.audit_chain import verify
from infra.audit_replay import replay
from infra.bootstrap import build_application
from infra.importers.oulad import import_oulad
from infra.settings import Settings
from projections.read_models import ReadModels, every_projection
from projections.store import ViewStore
from tests.bench.import_rate import RESULTS, ROOT, _cpu
from tests.bench.projections_rates import read_whole_log
from web.audit_pack import PackRequest, audit_pack

AS_OF = date(2015, 6, 30)


def audit_costs(workdir: Path) -> list[str]:
    settings = Settings(data_dir=workdir / "oulad")
    app = build_application(settings)
    import_oulad(app, ROOT / "data" / "oulad")
    views = ViewStore(settings.views_path)
    ReadModels(app, views, every_projection(app), policies=False).catch_up()
    head, floor = app.recorder.max_notification_id() or 0, read_whole_log(app)
    lines = [f"- reading and decoding the {head:,}-event log: {floor:.2f} s (baseline)"]

    started = time.perf_counter()
    chain = verify(settings.database_path)
    seconds = time.perf_counter() - started
    assert chain.broken_at is None
    lines.append(f"- `audit verify`: {seconds:.2f} s ({seconds / floor:.2f}× the baseline)")

    started = time.perf_counter()
    recount = replay(app, views, AS_OF, programmes=["oulad"])
    seconds = time.perf_counter() - started
    assert recount.identical
    lines.append(
        f"- `audit replay` (outcomes from an empty store, {recount.events:,} outcome events,"
        f" then both reports): {seconds:.2f} s ({seconds / floor:.2f}× the baseline)"
    )

    started = time.perf_counter()
    asked = PackRequest(AS_OF, datetime.now(UTC), ("oulad",))
    pack = audit_pack(app, views, settings.database_path, asked, lambda ref: ref)
    seconds = time.perf_counter() - started
    lines.append(
        f"- `audit export` of programme oulad: {len(pack) / 1e6:.1f} MB in {seconds:.2f} s"
        f" ({seconds / floor:.2f}× the baseline)"
    )
    views.close()
    app.close()
    return lines


def main() -> None:
    with tempfile.TemporaryDirectory(dir=ROOT / "var" / "tmp") as tmp:
        lines = [f"## {date.today().isoformat()} — audit", "", f"- machine: {_cpu()}"]
        lines += audit_costs(Path(tmp))
    print("\n".join(lines))
    with RESULTS.open("a") as results:
        results.write("\n".join(lines) + "\n\n")


if __name__ == "__main__":
    main()
