"""After each committed batch the server announces what changed on its channel."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import anyio
import pytest
from litestar.channels import ChannelsPlugin
from litestar.testing import AsyncTestClient

from domain.values import PersonalDetails
from infra.settings import Settings
from web.app import CHANGES, create_app


@pytest.mark.anyio
async def test_a_write_is_announced_with_the_projection_and_positions(own_data_dir: Path) -> None:
    app = create_app(Settings(data_dir=own_data_dir))
    tremplin = app.state.tremplin
    async with AsyncTestClient(app=app):
        channels = app.plugins.get(ChannelsPlugin)
        async with channels.start_subscription([CHANGES]) as subscriber:
            tremplin.register_trainee("late-1", PersonalDetails(), occurred_on=date(2014, 9, 1))
            result = tremplin.enrol("late-1", "oulad", "AAA-2014J", occurred_on=date(2014, 9, 2))
            with anyio.fail_after(5):
                async for message in subscriber.iter_events():
                    notice = json.loads(message)
                    if notice["projection"] == "catalogue" and notice["last"] >= result.position:
                        break
    assert notice["projection"] == "catalogue"
    assert notice["first"] <= result.position <= notice["last"]
    assert len(notice["changed"]) >= 1


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
