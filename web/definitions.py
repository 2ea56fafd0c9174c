"""The outcome figures' definitions, every adopted version, for anyone who reads the figures.

A report names the version it was counted under (`definitions_version`); this is
where a funder or an auditor reads what that version counts, and checks its
fingerprint against the one they were given.
"""

from __future__ import annotations

from datetime import date

import msgspec
from litestar import Controller, get
from litestar.exceptions import ValidationException

from domain.accounts import Role
from domain.errors import NotFound
from projections.outcome_definitions import (
    CURRENT,
    VERSIONS,
    DefinitionSet,
    FigureDefinition,
    Rules,
    definition_set,
    fingerprint,
)
from web.access import allow


class DefinitionsVersion(msgspec.Struct, frozen=True):
    version: str
    adopted_on: date
    change: str  # what changed from the previous version
    fingerprint: str  # SHA-256 of the definitions and rules, as canonical JSON
    current: bool  # the version reports use unless asked for another
    rules: Rules
    definitions: tuple[FigureDefinition, ...]


class DefinitionsController(Controller):
    path = "/api/outcome-definitions"

    @get(
        "/",
        summary="Every version of the outcome figures' definitions, oldest first",
        opt=allow(Role.TRAINER, Role.MENTOR, Role.JOBCENTRE, Role.AUDITOR, Role.ADMIN),
    )
    async def versions(self) -> list[DefinitionsVersion]:
        return [
            DefinitionsVersion(
                s.version,
                s.adopted_on,
                s.change,
                fingerprint(s),
                s is CURRENT,
                s.rules,
                s.definitions,
            )
            for s in VERSIONS
        ]


def definitions_asked(version: str | None) -> DefinitionSet:
    """The version a request names in its `definitions` parameter, the current one without;
    an unknown one is the caller's mistake (400), listing those there are."""
    if version is None:
        return CURRENT
    try:
        return definition_set(version)
    except NotFound:
        known = ", ".join(s.version for s in VERSIONS)
        raise ValidationException(
            f"definitions: {version!r} is not a version (known: {known})"
        ) from None
