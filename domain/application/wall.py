"""Cohort wall commands: post, reply, "this helped me", report, and staff moderation.

Post and reply ids come from the phone, with the command id: an offline action
replays into the same post or reply, once.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from domain.accounts import Account, Role
from domain.application.base import UnitOfWork, command
from domain.application.trainees import TraineeCommands
from domain.errors import AlreadyExists, InvalidValue, NotFound
from domain.ids import wall_post_id
from domain.wall import PostKind, WallPost

MODERATORS = frozenset({Role.TRAINER, Role.ADMIN})  # programme staff


class WallCommands(TraineeCommands):
    @command
    def post_on_wall(
        self,
        uow: UnitOfWork,
        post_id: str,
        person_ref: str,
        cohort_id: str,
        kind: PostKind | str,
        text: str,
        *,
        occurred_on: date,
        command_id: str | None = None,
    ) -> str:
        if uow.exists(wall_post_id(post_id)):
            raise AlreadyExists(f"post {post_id} is already on the wall")
        author = self.trainee(uow, person_ref)
        uow.add(WallPost.post(post_id, author, cohort_id, kind, text, self.today(occurred_on)))
        return post_id

    @command
    def reply_on_wall(
        self,
        uow: UnitOfWork,
        post_id: str,
        reply_id: str,
        person_ref: str,
        text: str,
        *,
        occurred_on: date,
        command_id: str | None = None,
    ) -> str:
        author = self.trainee(uow, person_ref)
        self.wall_post(uow, post_id).reply(reply_id, author, text, self.today(occurred_on))
        return reply_id

    @command
    def mark_reply_helpful(
        self,
        uow: UnitOfWork,
        post_id: str,
        reply_id: str,
        person_ref: str,
        *,
        occurred_on: date,
        command_id: str | None = None,
    ) -> str:
        """The asker found a reply helpful: recorded on the post, and as peer help given
        by the reply's author to the asker, in one save."""
        day = self.today(occurred_on)
        post = self.wall_post(uow, post_id)
        helper_ref = post.mark_helpful(reply_id, person_ref, day)
        helper, helped = self.trainee(uow, helper_ref), self.trainee(uow, person_ref)
        helper.give_peer_help(helped, post.cohort_id, day)
        return helper_ref

    @command
    def report_post(
        self,
        uow: UnitOfWork,
        post_id: str,
        person_ref: str,
        reason: str = "",
        *,
        occurred_on: date,
        command_id: str | None = None,
    ) -> str:
        by = self.trainee(uow, person_ref)
        self.wall_post(uow, post_id).report(by, reason, self.today(occurred_on))
        return post_id

    @command
    def hide_post(
        self,
        uow: UnitOfWork,
        post_id: str,
        account_id_hex: str,
        reason: str,
        *,
        occurred_on: date,
        command_id: str | None = None,
    ) -> str:
        moderator = self._moderator(uow, account_id_hex)
        self.wall_post(uow, post_id).hide(moderator.id.hex, reason, self.today(occurred_on))
        return post_id

    @command
    def unhide_post(
        self,
        uow: UnitOfWork,
        post_id: str,
        account_id_hex: str,
        reason: str,
        *,
        occurred_on: date,
        command_id: str | None = None,
    ) -> str:
        moderator = self._moderator(uow, account_id_hex)
        self.wall_post(uow, post_id).unhide(moderator.id.hex, reason, self.today(occurred_on))
        return post_id

    @staticmethod
    def wall_post(uow: UnitOfWork, post_id: str) -> WallPost:
        return uow.get(WallPost, wall_post_id(post_id), f"there is no post {post_id} on the wall")

    @staticmethod
    def _moderator(uow: UnitOfWork, account_id_hex: str) -> Account:
        """An active staff account: the web guard lets only staff in; the log agrees."""
        missing = "there is no such account"
        try:
            account_id = UUID(hex=account_id_hex)
        except ValueError:
            raise NotFound(missing) from None
        account = uow.get(Account, account_id, missing)
        if not account.active or not account.roles & MODERATORS:
            raise InvalidValue("role", "only programme staff hide or show a post")
        return account
