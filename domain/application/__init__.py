"""Tremplin's application services: every command of the programme, over one ordered log."""

from __future__ import annotations

from domain.application.accounts import AccountCommands
from domain.application.badges import BadgeCommands
from domain.application.base import CommandResult, UnitOfWork
from domain.application.coaching import CoachingCommands
from domain.application.installation import InstallationCommands
from domain.application.jobcentres import JobCentreCommands
from domain.application.learning import LearningCommands
from domain.application.placement import PlacementCommands
from domain.application.programmes import ProgrammeCommands
from domain.application.sessions import SessionCommands
from domain.application.wall import WallCommands


class Tremplin(
    ProgrammeCommands,
    LearningCommands,
    SessionCommands,
    CoachingCommands,
    PlacementCommands,
    WallCommands,
    BadgeCommands,
    AccountCommands,
    JobCentreCommands,
    InstallationCommands,
):
    """The whole platform's commands; saves go to one log, in one transaction per command."""


__all__ = ["CommandResult", "Tremplin", "UnitOfWork"]
