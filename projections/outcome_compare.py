"""What differs between two outcome reports: figure by figure, part by part.

Used by `tremplin audit replay` (a recount against the live figures), by the
auditor's page (one date against another, one definitions version against
another) and by the audit pack. Reports are compared as plain data, so a new
field in a report is compared without a change here.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import msgspec

from projections.outcome_figures import OutcomeReport

# What says how a report was asked for, not what it found.
CONTEXT = frozenset({"programme_id", "as_of", "known_at", "definitions_version", "simulated"})


class Difference(msgspec.Struct, frozen=True):
    path: str  # dotted: "figures.completed.value", "by_cohort.AAA-2013J.left.rate"
    before: Any
    after: Any


def differences(
    before: OutcomeReport, after: OutcomeReport, *, context: bool = False
) -> list[Difference]:
    """Every leaf that differs, in a stable order; the asking context only if `context`."""
    left, right = msgspec.to_builtins(before), msgspec.to_builtins(after)
    if not context:
        left = {k: v for k, v in left.items() if k not in CONTEXT}
        right = {k: v for k, v in right.items() if k not in CONTEXT}
    flat_left, flat_right = dict(_leaves(left)), dict(_leaves(right))
    return [
        Difference(path, flat_left.get(path), flat_right.get(path))
        for path in sorted(flat_left.keys() | flat_right.keys())
        if flat_left.get(path) != flat_right.get(path)
    ]


def _leaves(value: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict) and value:
        for key, inner in value.items():
            yield from _leaves(inner, f"{prefix}.{key}" if prefix else str(key))
    else:
        yield prefix, value
