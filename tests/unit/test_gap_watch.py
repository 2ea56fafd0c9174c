"""A position missing from the log holds the runner back until it has stayed missing a while."""

from __future__ import annotations

from uuid import uuid4

from eventsourcing.persistence import Notification

from projections.runner import GapWatch, contiguous


def at(*positions: int) -> list[Notification]:
    return [Notification(uuid4(), 1, "topic", b"{}", position) for position in positions]


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_contiguous_positions_are_all_applied() -> None:
    usable, reached = contiguous(at(4, 5, 6), after=3, gaps=GapWatch())
    assert ([n.id for n in usable], reached) == ([4, 5, 6], 6)


def test_a_fresh_gap_stops_the_batch_before_it() -> None:
    usable, reached = contiguous(at(4, 6, 7), after=3, gaps=GapWatch(clock=Clock()))
    assert ([n.id for n in usable], reached) == ([4], 4)


def test_a_gap_at_the_start_applies_nothing_yet() -> None:
    usable, reached = contiguous(at(5, 6), after=3, gaps=GapWatch(clock=Clock()))
    assert (usable, reached) == ([], 3)


def test_a_gap_that_stays_missing_past_the_grace_period_is_passed_and_remembered() -> None:
    clock = Clock()
    gaps = GapWatch(grace_seconds=5, clock=clock)
    contiguous(at(4, 6), after=3, gaps=gaps)
    clock.now += 5
    usable, reached = contiguous(at(4, 6), after=3, gaps=gaps)
    assert ([n.id for n in usable], reached, gaps.passed) == ([4, 6], 6, [5])


def test_a_late_commit_filling_the_gap_is_applied_in_order() -> None:
    clock = Clock()
    gaps = GapWatch(grace_seconds=5, clock=clock)
    contiguous(at(4, 6), after=3, gaps=gaps)
    clock.now += 1
    usable, reached = contiguous(at(5, 6), after=4, gaps=gaps)
    assert ([n.id for n in usable], reached, gaps.passed) == ([5, 6], 6, [])
