"""The XP rules, in one versioned table, and the level curve.

Changing a value means a new `RULES_VERSION`: XP and levels are derived, so a
rebuild under the new version recomputes them all (each award row says which
version priced it); badges already awarded are events and stay.

Level curve: level n needs 50·n·(n−1) XP in total, so level 1 starts at 0 XP,
level 2 at 100, level 3 at 300, level 4 at 600, level 5 at 1,000 (each level
costs 100 XP more than the one before). A person's level is the largest n with
50·n·(n−1) ≤ xp, that is ⌊(1 + √(1 + 0.08·xp)) / 2⌋.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from math import isqrt
from types import MappingProxyType

RULES_VERSION = "xp-2026-12-1"
XP_PER_LEVEL_STEP = 50


class Action(StrEnum):
    MODULE_COMPLETED = "module_completed"
    ASSESSMENT_SUBMITTED = "assessment_submitted"  # done in the cohort: credited ones earn nothing
    SESSION_ATTENDED = "session_attended"  # an in-person session
    SIMULATION_ATTEMPTED = "simulation_attempted"  # a job simulation
    SERIOUS_GAME_PLAYED = "serious_game_played"
    CERTIFICATION_PASSED = "certification_passed"
    GOAL_ACHIEVED = "goal_achieved"  # a coaching goal
    PEER_HELP_GIVEN = "peer_help_given"


@dataclass(frozen=True)
class XpRule:
    xp: int  # earned by one fact of this action
    daily_cap: int  # at most this much XP from this action per person per day (occurred_on)


XP_RULES: MappingProxyType[Action, XpRule] = MappingProxyType(
    {
        Action.MODULE_COMPLETED: XpRule(xp=50, daily_cap=150),
        Action.ASSESSMENT_SUBMITTED: XpRule(xp=30, daily_cap=90),
        Action.SESSION_ATTENDED: XpRule(xp=20, daily_cap=40),
        Action.SIMULATION_ATTEMPTED: XpRule(xp=25, daily_cap=50),
        Action.SERIOUS_GAME_PLAYED: XpRule(xp=10, daily_cap=30),
        Action.CERTIFICATION_PASSED: XpRule(xp=150, daily_cap=300),
        Action.GOAL_ACHIEVED: XpRule(xp=40, daily_cap=80),
        Action.PEER_HELP_GIVEN: XpRule(xp=15, daily_cap=45),
    }
)


def xp_within_cap(action: Action, earned_today: int) -> int:
    """What one more fact of `action` earns, given the XP it already earned that day:
    the rule's XP, cut to what the daily cap leaves (0 once the cap is reached)."""
    rule = XP_RULES[action]
    return max(0, min(rule.xp, rule.daily_cap - earned_today))


def xp_for_level(level: int) -> int:
    """The total XP at which `level` starts: 50·n·(n−1)."""
    return XP_PER_LEVEL_STEP * level * (level - 1)


def level_for(xp: int) -> int:
    """The largest n with 50·n·(n−1) ≤ xp (level 1 from 0 XP)."""
    level = max(1, (1 + isqrt(1 + 8 * max(xp, 0) // 100)) // 2)
    while xp_for_level(level + 1) <= xp:  # isqrt of a floored value may fall one short
        level += 1
    while level > 1 and xp_for_level(level) > xp:
        level -= 1
    return level
