"""The litestar application factory: settings in, an ASGI app out."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import msgspec
from litestar import Litestar, Router
from litestar.channels import ChannelsPlugin
from litestar.channels.backends.memory import MemoryChannelsBackend
from litestar.config.compression import CompressionConfig
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.stores.memory import MemoryStore
from litestar.template.config import TemplateConfig

from domain.application import Tremplin
from infra.bootstrap import API_KEY_USAGE, build_application, file_store
from infra.credentials import instance_secret
from infra.settings import Settings
from projections.read_models import ReadModels, every_projection
from projections.store import ViewStore
from web.access import KeyUsage, authorise, public
from web.admin import AdminController, DisclosureController
from web.audit import AuditApi, AuditPages
from web.audit_log import AuditLogController
from web.auth_pages import AuthController
from web.csrf import CsrfDefences, csrf_config
from web.definitions import DefinitionsController
from web.errors import EXCEPTION_HANDLERS
from web.home import HomeController
from web.i18n import load_catalogues
from web.jobcentres import JobcentreController
from web.login_limits import LoginThrottle
from web.outcome_cache import OutcomeCache
from web.programmes import PeopleController, ProgrammeController
from web.pseudonyms import Pseudonyms
from web.pwa import NO_COMPRESSION, PwaController
from web.security_headers import add_security_headers
from web.sessions import STORE, session_config
from web.staff import StaffController
from web.trainee import TraineeController

HERE = Path(__file__).parent
PWA = HERE.parent / "pwa"
POLL_SECONDS = 1.0
CHANGES = "projections"  # the channel where committed batches are announced


def create_app(settings: Settings, tremplin: Tremplin | None = None) -> Litestar:
    load_catalogues()  # a broken translation stops the start, not a page later
    app = tremplin or build_application(settings)
    views = ViewStore(settings.views_path)
    read_models = ReadModels(app, views, every_projection(app))
    channels = ChannelsPlugin(backend=MemoryChannelsBackend(), channels=[CHANGES])
    secret = instance_secret(settings.secret_path)
    key_usage_store = file_store(settings, API_KEY_USAGE)
    csrf = csrf_config(settings, secret)

    @contextlib.asynccontextmanager
    async def follow_the_log(_: Litestar) -> AsyncIterator[None]:
        # Serve at once; views that lag show how far they have read (/api/health).
        task = asyncio.create_task(_keep_up(app, read_models, channels))
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            await asyncio.to_thread(read_models.close)  # after any pass still running
            if tremplin is None:  # ours to close
                app.close()

    litestar_app = Litestar(
        route_handlers=[
            HomeController,
            AuthController,
            ProgrammeController,
            DefinitionsController,
            PeopleController,
            JobcentreController,
            AdminController,
            DisclosureController,
            AuditPages,
            AuditApi,
            AuditLogController,
            TraineeController,
            StaffController,
            PwaController,
            create_static_files_router("/static", [PWA], opt=public()),
        ],
        guards=[authorise],  # every route, deny by default (web/access.py)
        # First: before anything reads (and caches) the request's cookies.
        middleware=[CsrfDefences(csrf), session_config(settings).middleware],
        csrf_config=csrf,
        stores={STORE: file_store(settings, STORE)},
        before_send=[add_security_headers],
        dependencies={"views": Provide(lambda: views, use_cache=True, sync_to_thread=False)},
        template_config=TemplateConfig(directory=HERE / "templates", engine=JinjaTemplateEngine),
        openapi_config=OpenAPIConfig(
            title="Tremplin",
            version="0.1.0",
            path="/schema",
            # The document itself, at /schema and /schema/openapi.json: the
            # interactive viewers load their scripts from CDNs, and nothing here may.
            render_plugins=[JsonRenderPlugin(path=["/", "/openapi.json"])],
            openapi_router=Router(
                "/schema", route_handlers=[], opt=public(), include_in_schema=False
            ),
        ),
        plugins=[channels],
        # gzip: phones on patchy data (issue 5's budget: htmx alone is 52 KB, 17 KB gzipped);
        # not the live event stream, whose events must leave as they come.
        compression_config=CompressionConfig(
            backend="gzip", gzip_compress_level=6, exclude_opt_key=NO_COMPRESSION
        ),
        exception_handlers=EXCEPTION_HANDLERS,
        lifespan=[follow_the_log],
    )
    litestar_app.state.tremplin = app
    litestar_app.state.settings = settings
    litestar_app.state.read_models = read_models
    litestar_app.state.outcomes = OutcomeCache()
    litestar_app.state.pseudonyms = Pseudonyms(secret)
    litestar_app.state.login_throttle = LoginThrottle(MemoryStore())  # one process: in memory
    litestar_app.state.key_usage_store = key_usage_store
    litestar_app.state.key_usage = KeyUsage(key_usage_store)
    return litestar_app


async def _keep_up(app: Tremplin, read_models: ReadModels, channels: ChannelsPlugin) -> None:
    """Catch up after each save in this process, and at least every second (other writers)."""
    saved = asyncio.Event()
    loop = asyncio.get_running_loop()

    def wake() -> None:  # called by whichever thread saved
        loop.call_soon_threadsafe(saved.set)

    unsubscribe = app.on_saved(wake)
    try:
        while True:
            for notice in await asyncio.to_thread(read_models.catch_up):
                try:
                    channels.publish(msgspec.to_builtins(notice), channels=[CHANGES])
                except RuntimeError:  # the channels stopped first (shutting down): so do we
                    return
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(saved.wait(), POLL_SECONDS)
            saved.clear()
    finally:
        unsubscribe()
