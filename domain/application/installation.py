"""Whether this log is a demo database, and the command that makes an empty log one."""

from __future__ import annotations

from eventsourcing.utils import get_topic

from domain.application.base import CommandResult, TremplinBase, UnitOfWork, command
from domain.errors import NotADemoDatabase
from domain.ids import installation_id
from domain.installation import Installation

DEMO_MARKER = get_topic(Installation.DemoDeclared)


class InstallationCommands(TremplinBase):
    _demo_known = False  # a log that began as a demo stays one: only True is remembered

    def declare_demo(self) -> CommandResult:
        """Mark an empty log as a demo; on a demo log, record nothing.

        Raises NotADemoDatabase when the log already holds other events.
        """
        if self.is_demo():
            return CommandResult(installation_id().hex, position=None)
        return self._declare_demo()

    @command
    def _declare_demo(self, uow: UnitOfWork, *, command_id: str | None = None) -> str:
        if self._batch is not None:
            raise RuntimeError("declare_demo runs outside a batch: it must come first")
        # Checked, not locked: a writer saving between this look and the save would come
        # first, and the log would then be no demo (is_demo reads position 1, not this event).
        if uow.exists(installation_id()) or self.recorder.max_notification_id():
            raise NotADemoDatabase(
                "this log already holds other data: only an empty log becomes a demo"
            )
        uow.add(Installation.declare_demo())
        return installation_id().hex

    def is_demo(self) -> bool:
        """Whether the log's first event is the demo marker."""
        if not self._demo_known:
            first = self.recorder.select_notifications(None, 1)
            self._demo_known = bool(first) and (
                first[0].topic == DEMO_MARKER and first[0].originator_id == installation_id()
            )
        return self._demo_known
