"""The cohort wall: short posts and questions by trainees, replies, and moderation.

A post is its own aggregate, created under an id the phone makes (so an offline
post replays into the same post). Its words are personal data, kept in the
`personal` field of the events that carry them, apart from the facts. Staff hide
a post rather than delete it: the log keeps everything that was said.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol

from eventsourcing.domain import Aggregate

from domain.errors import AlreadyExists, DomainError, InvalidValue, NotFound
from domain.ids import wall_post_id
from domain.values import key

if TYPE_CHECKING:
    from domain.enrolment import Enrolment

MAX_TEXT = 1000
MAX_REASON = 300


class PostKind(StrEnum):
    POST = "post"
    QUESTION = "question"  # its author can mark a reply as the one that helped


@dataclass(frozen=True)
class WallText:
    """What a trainee wrote on the wall: personal data, kept apart from the facts."""

    text: str


class PostHidden(DomainError):
    code = "post-hidden"


class NotTheAsker(DomainError):
    code = "not-the-asker"


class NotAQuestion(DomainError):
    code = "not-a-question"


class AlreadyHidden(DomainError):
    code = "already-hidden"


class NotHidden(DomainError):
    code = "not-hidden"


class Member(Protocol):
    """A person of the programme as the wall needs them (a `Trainee`)."""

    @property
    def person_ref(self) -> str: ...
    def enrolment(self, cohort_id: str) -> Enrolment: ...


def wall_text(text: str) -> WallText:
    """Text for the wall: trimmed, 1 to 1000 characters."""
    cleaned = text.strip()
    if not 1 <= len(cleaned) <= MAX_TEXT:
        raise InvalidValue("text", f"write between 1 and {MAX_TEXT} characters")
    return WallText(cleaned)


def reason_text(reason: str, *, required: bool) -> str:
    cleaned = reason.strip()
    if required and not cleaned:
        raise InvalidValue("reason", "say why")
    if len(cleaned) > MAX_REASON:
        raise InvalidValue("reason", f"keep it under {MAX_REASON} characters")
    return cleaned


@dataclass
class Reply:
    author_ref: str
    replied_on: date
    helpful: bool = False


class WallPost(Aggregate):
    class Posted(Aggregate.Created):
        post_id: str  # made by the author's phone
        cohort_id: str
        author_ref: str
        kind: PostKind
        personal: WallText
        occurred_on: date

    class Replied(Aggregate.Event):
        reply_id: str  # made by the replier's phone, unique within the post
        author_ref: str
        personal: WallText
        occurred_on: date

        def apply(self, post: WallPost) -> None:
            post.replies[self.reply_id] = Reply(self.author_ref, self.occurred_on)

    class ReplyFoundHelpful(Aggregate.Event):
        reply_id: str
        by_ref: str  # the question's author
        occurred_on: date

        def apply(self, post: WallPost) -> None:
            post.replies[self.reply_id].helpful = True

    class Reported(Aggregate.Event):
        by_ref: str
        reason: str  # may be empty: a report needs no explanation
        occurred_on: date

        def apply(self, post: WallPost) -> None:
            post.reporters.add(self.by_ref)

    class Hidden(Aggregate.Event):
        by_account: str  # the staff account's id (hex)
        reason: str
        occurred_on: date

        def apply(self, post: WallPost) -> None:
            post.hidden = True

    class Unhidden(Aggregate.Event):
        by_account: str
        reason: str
        occurred_on: date

        def apply(self, post: WallPost) -> None:
            post.hidden = False

    def __init__(
        self,
        post_id: str,
        cohort_id: str,
        author_ref: str,
        kind: PostKind,
        personal: WallText,
        occurred_on: date,
    ) -> None:
        self.post_id = post_id
        self.cohort_id = cohort_id
        self.author_ref = author_ref
        self.kind = kind
        self.posted_on = occurred_on
        self.replies: dict[str, Reply] = {}
        self.reporters: set[str] = set()
        self.hidden = False

    @classmethod
    def post(
        cls,
        post_id: str,
        author: Member,
        cohort_id: str,
        kind: PostKind | str,
        text: str,
        occurred_on: date,
    ) -> WallPost:
        author.enrolment(cohort_id).ensure_covers(occurred_on, "a wall post")
        return cls._create(
            cls.Posted,
            id=wall_post_id(key("post_id", post_id)),
            post_id=post_id,
            cohort_id=cohort_id,
            author_ref=author.person_ref,
            kind=_kind(kind),
            personal=wall_text(text),
            occurred_on=occurred_on,
        )

    def reply(self, reply_id: str, author: Member, text: str, occurred_on: date) -> None:
        self._ensure_shown("reply to")
        self._ensure_not_before_post(occurred_on, "a reply")
        author.enrolment(self.cohort_id).ensure_covers(occurred_on, "a reply on the wall")
        if reply_id in self.replies:
            raise AlreadyExists(f"reply {reply_id} is already on this post")
        self.trigger_event(
            self.Replied,
            reply_id=key("reply_id", reply_id),
            author_ref=author.person_ref,
            personal=wall_text(text),
            occurred_on=occurred_on,
        )

    def mark_helpful(self, reply_id: str, by_ref: str, occurred_on: date) -> str:
        """Records that the asker found a reply helpful; returns the reply's author (the helper)."""
        self._ensure_shown("mark a reply on")
        if self.kind is not PostKind.QUESTION:
            raise NotAQuestion("only a reply to a question can be marked as helpful")
        if by_ref != self.author_ref:
            raise NotTheAsker("only the person who asked can say a reply helped them")
        reply = self.replies.get(reply_id)
        if reply is None:
            raise NotFound(f"there is no reply {reply_id} on this post")
        if reply.author_ref == by_ref:
            raise InvalidValue("reply_id", "your own reply cannot be marked as helpful")
        if reply.helpful:
            raise AlreadyExists("this reply is already marked as helpful")
        if occurred_on < reply.replied_on:
            raise InvalidValue("occurred_on", f"{occurred_on} is before the reply")
        self.trigger_event(
            self.ReplyFoundHelpful, reply_id=reply_id, by_ref=by_ref, occurred_on=occurred_on
        )
        return reply.author_ref

    def report(self, by: Member, reason: str, occurred_on: date) -> None:
        """Anyone of the cohort may report a post once, even a hidden one (it adds to the case)."""
        self._ensure_not_before_post(occurred_on, "a report")
        by.enrolment(self.cohort_id).ensure_not_before_enrolment(occurred_on, "a report")
        if by.person_ref in self.reporters:
            raise AlreadyExists("you already reported this post")
        self.trigger_event(
            self.Reported,
            by_ref=by.person_ref,
            reason=reason_text(reason, required=False),
            occurred_on=occurred_on,
        )

    def hide(self, by_account: str, reason: str, occurred_on: date) -> None:
        if self.hidden:
            raise AlreadyHidden("this post is already hidden")
        self._moderate(self.Hidden, by_account, reason, occurred_on)

    def unhide(self, by_account: str, reason: str, occurred_on: date) -> None:
        if not self.hidden:
            raise NotHidden("this post is not hidden")
        self._moderate(self.Unhidden, by_account, reason, occurred_on)

    def _moderate(
        self, event: type[Aggregate.Event], by_account: str, reason: str, occurred_on: date
    ) -> None:
        self._ensure_not_before_post(occurred_on, "moderation")
        self.trigger_event(
            event,
            by_account=key("by_account", by_account),
            reason=reason_text(reason, required=True),
            occurred_on=occurred_on,
        )

    def _ensure_shown(self, what: str) -> None:
        if self.hidden:
            raise PostHidden(f"staff hid this post: you cannot {what} it")

    def _ensure_not_before_post(self, day: date, what: str) -> None:
        if day < self.posted_on:
            raise InvalidValue(
                "occurred_on", f"{what} on {day} is before the post ({self.posted_on})"
            )


def _kind(kind: PostKind | str) -> PostKind:
    try:
        return PostKind(kind)
    except ValueError:
        raise InvalidValue("kind", f"{kind!r} is neither a post nor a question") from None
