"""One period counted under two definitions versions, and what the change of version moves.

An auditor asks how a past report would read under today's definitions (or the
reverse): both reports come from one reading of the rows, so they differ only
by their rules, and `differences` names each figure, cohort and breakdown part
that moved.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from projections.outcome_compare import Difference, differences
from projections.outcome_definitions import definition_set
from projections.outcome_figures import OutcomeReport, figures_under
from projections.store import ViewStore


@dataclass(frozen=True)
class VersionComparison:
    before: OutcomeReport
    after: OutcomeReport
    differences: list[Difference]


def compare_versions(
    store: ViewStore,
    programme_code: str,
    as_of: date,
    known_at: datetime | None,
    before_version: str,
    after_version: str,
) -> VersionComparison:
    """Both reports and their differences; raises NotFound for an unknown programme or
    version."""
    versions = (definition_set(before_version), definition_set(after_version))
    before, after = figures_under(store, programme_code, versions, as_of, known_at)
    return VersionComparison(before, after, differences(before, after))
