"""The home page and the catalogue API: programmes and cohorts with head counts."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.response import Template

from projections.catalogue import ProgrammeSummary, programmes
from projections.store import ViewStore
from web.access import public
from web.pages import page


class HealthStatus(msgspec.Struct):
    status: str
    log_position: int
    catalogue_position: int
    projections: dict[str, int]  # each read model's position
    lag: int  # events the slowest read model has still to read


class HomeController(Controller):
    @get("/", include_in_schema=False, opt=public())
    async def home(
        self, request: Request[Any, Any, Any], views: NamedDependency[ViewStore]
    ) -> Template:
        """Public: programmes, cohorts and headline figures, counts only (no one is named)."""
        listed = programmes(views)
        return page(
            request,
            "home.html",
            programmes=listed,
            figures={p.code: request.app.state.outcomes.today(views, p.code) for p in listed},
            position=views.read_position("catalogue"),
        )

    @get(
        "/api/programmes",
        summary="Programmes and their cohorts, with head counts",
        opt=public(),
    )
    async def list_programmes(self, views: NamedDependency[ViewStore]) -> list[ProgrammeSummary]:
        return programmes(views)

    @get(
        "/api/health",
        summary="Liveness, and how far the views have read the log",
        opt=public(),
    )
    async def health(
        self, request: Request[Any, Any, Any], views: NamedDependency[ViewStore]
    ) -> HealthStatus:
        log_position = request.app.state.tremplin.recorder.max_notification_id() or 0
        names = request.app.state.read_models.projections
        positions = {name: views.read_position(name) for name in names}
        lag = log_position - min(positions.values(), default=log_position)
        status = "ok" if lag == 0 else "catching up"  # pages may show older figures meanwhile
        return HealthStatus(status, log_position, positions["catalogue"], positions, lag)
