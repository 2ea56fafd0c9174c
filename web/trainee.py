"""The trainee's app, `/me…`: one full page per screen, built from partials, phone first.

Every form works without JavaScript (post, redirect, get, with a one-time message);
with JavaScript, record forms go through the offline outbox (pwa/app.js) with a
command id made on the phone, and the server's idempotent commands record a
replayed action once. A page asked for by htmx gets its fragment, a page asked for
by a browser (a reload, a history restore) the whole page: `Vary: HX-Request`.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, QueryParameter
from litestar.response import Redirect, Response, Template

from domain.accounts import Role
from domain.application import Tremplin
from domain.errors import DomainError, InvalidValue
from domain.ids import trainee_id
from domain.trainee import Trainee
from domain.values import ConsentScope, LeaderboardDisplay
from infra.personal_export import export_person
from projections.catalogue import programmes
from projections.coaching_plans import coaching_of
from projections.gamification import xp_and_level
from projections.job_offers import offers_for
from projections.leaderboard import around, cohort_scope, top
from projections.learner_paths import EnrolmentPath, path_of
from projections.person_badges import badges_of
from projections.store import ViewStore
from projections.wall import PostView, wall_of
from projections.xp_rules import xp_for_level
from web.access import allow
from web.auth_pages import flash, in_language, take_flash
from web.i18n import N_, gettext_for, language_of
from web.pages import page, principal

BOARD_SIZE = 10
# Consents a trainee ticks on their profile (the leaderboard's is a choice of display).
CONSENT_SCOPES = tuple(scope for scope in ConsentScope if scope is not ConsentScope.LEADERBOARD)
# What a trainee reads after each action (msgids: English; web/locale has the French).
DONE = {
    "checked_in": N_("You are checked in. XP on its way!"),
    "module_recorded": N_("Module recorded."),
    "simulation_recorded": N_("Attempt recorded."),
    "thanks_recorded": N_("Thank you sent: your peer gets XP for helping."),
    "applied": N_("Application sent."),
    "posted": N_("Posted on the wall."),
    "consent_saved": N_("Your choices are saved."),
    "replied": N_("Reply posted."),
    "found_helpful": N_("Thank you: your peer gets XP for their help."),
    "reported": N_("Thank you: the trainers will look at it."),
}
# Domain errors a trainee may meet, in words for them (others show the domain's message).
ERRORS = {
    "not-found": N_("Nothing matches: check the code or the reference."),
    "not-enrolled": N_("You are not enrolled in this cohort on this day."),
    "already-exists": N_("This was already recorded."),
    "occurred-in-future": N_("The date cannot be in the future."),
}


@dataclass(frozen=True)
class Me:
    """Who the trainee is, and the enrolment their pages are about."""

    person_ref: str
    paths: list[EnrolmentPath]
    current: EnrolmentPath | None  # the latest enrolment not left, else the latest
    track: str | None


@dataclass
class CommandForm:
    command_id: str = ""  # made on the phone by the outbox; one is made here otherwise
    occurred_on: str = ""  # the phone's day when it queued the action offline (YYYY-MM-DD)


@dataclass
class CheckIn(CommandForm):
    code: str = ""


@dataclass
class StepDone(CommandForm):
    step_id: str = ""
    score: str = ""


@dataclass
class Thanks(CommandForm):
    peer: str = ""


@dataclass
class WallPostForm(CommandForm):
    text: str = ""
    kind: str = "post"  # or "question"
    post_id: str = ""  # made on the phone, like the command id (a reply's id for a reply)


@dataclass
class Report(CommandForm):
    reason: str = ""


@dataclass
class Consents:
    leaderboard: str = "none"  # name, pseudonym, hidden, or none (no consent)
    pseudonym: str = ""
    share_with_jobcentre: str = ""  # a checkbox: "on" when ticked
    share_with_employers: str = ""
    share_on_wall: str = ""

    def scopes(self) -> set[str]:
        ticked = {
            "share_with_jobcentre": self.share_with_jobcentre,
            "share_with_employers": self.share_with_employers,
            "share_on_wall": self.share_on_wall,
        }
        return {scope for scope, value in ticked.items() if value}


def me(request: Request[Any, Any, Any], views: ViewStore) -> Me:
    person_ref = principal(request).link("person_ref")
    assert person_ref is not None  # a trainee account names its person
    language = language_of(request)  # the timeline in its words, scores with its decimal mark
    paths = path_of(views, person_ref, gettext_for(language), "," if language == "fr" else ".")
    running = [p for p in paths if p.left_on is None]
    current = (running or paths)[-1] if paths else None
    track = None
    if current is not None:
        for programme in programmes(views):
            for cohort in programme.cohorts:
                if cohort.cohort_id == current.cohort_id:
                    track = cohort.track
    return Me(person_ref, paths, current, track)


def screen(request: Request[Any, Any, Any], template: str, **context: Any) -> Template:
    """The whole page for a browser, the fragment inside <main> for htmx; either way the
    answer says it varies with HX-Request (a cached fragment is never shown as a page)."""
    fragment = (
        request.headers.get("hx-request") == "true"
        and request.headers.get("hx-history-restore-request") != "true"
    )
    response = page(
        request,
        f"trainee/{template}",
        headers={"Vary": "HX-Request"},
        layout="trainee/fragment.html" if fragment else "trainee/layout.html",
        flash=take_flash(request),
        **context,
    )
    return response


class TraineeController(Controller):
    path = "/me"
    opt = allow(Role.TRAINEE, accounts_only=True)
    include_in_schema = False

    @get()
    async def today(
        self, request: Request[Any, Any, Any], views: NamedDependency[ViewStore]
    ) -> Template:
        mine = me(request, views)
        xp, level = xp_and_level(views, mine.person_ref)
        return screen(
            request,
            "today.html",
            me=mine,
            xp=xp,
            level=level,
            next_level_xp=xp_for_level(level + 1),
            streak=streak(views, mine.person_ref, _today(request)),
            active="today",
        )

    @get("/path")
    async def my_path(
        self, request: Request[Any, Any, Any], views: NamedDependency[ViewStore]
    ) -> Template:
        return screen(request, "path.html", me=me(request, views), active="path")

    @get("/leaderboard")
    async def leaderboard(
        self,
        request: Request[Any, Any, Any],
        views: NamedDependency[ViewStore],
        period: Annotated[str, QueryParameter(pattern="^(month|all)$")] = "all",
    ) -> Template:
        mine = me(request, views)
        entries, mine_rank = [], None
        if mine.current is not None:
            month = _today(request).strftime("%Y-%m") if period == "month" else None
            scope = cohort_scope(mine.current.cohort_id, month)
            entries = top(views, scope, BOARD_SIZE)
            near = around(views, scope, mine.person_ref, 2)
            mine_rank = next((e for e in near if e.person == mine.person_ref), None)
            if near and not any(e.person == mine.person_ref for e in entries):
                entries = [*entries, *near]
        return screen(
            request, "leaderboard.html", me=mine, entries=entries, period=period,
            mine=mine_rank, active="leaderboard",
        )  # fmt: skip

    @get("/record")
    async def record_page(
        self,
        request: Request[Any, Any, Any],
        views: NamedDependency[ViewStore],
        code: Annotated[str, QueryParameter(pattern="^[0-9]{0,6}$")] = "",
    ) -> Template:
        mine = me(request, views)
        steps = mine.current.steps if mine.current else []
        return screen(
            request, "record.html", me=mine, code=code,
            modules=[s for s in steps if s.kind == "module" and not s.done],
            simulations=[s for s in steps if s.kind == "simulation"],
            active="record", new_command_id=uuid.uuid4,
        )  # fmt: skip

    @post("/check-in")
    async def check_in(
        self,
        request: Request[Any, Any, Any],
        views: NamedDependency[ViewStore],
        data: Annotated[CheckIn, Body(media_type=RequestEncodingType.URL_ENCODED)],
    ) -> Response[Any]:
        mine = me(request, views)
        cohort = _cohort(mine)
        app: Tremplin = request.app.state.tremplin
        # Six digits can be guessed: wrong codes count like wrong passwords, per person.
        throttle = request.app.state.login_throttle
        who, address = f"check-in:{mine.person_ref}", "check-in"
        if await throttle.begin(who, address):
            _ = gettext_for(language_of(request))
            back = Redirect(in_language(request, "/me/record"), status_code=303)
            return flash(request, back, error=_("Too many wrong codes: wait a few minutes."))
        response = await _run(
            request, "/me/record", "checked_in",
            lambda: app.check_in(
                mine.person_ref, cohort, data.code.strip(),
                occurred_on=_day_of(request, data), command_id=_command_id(data),
            ),
        )  # fmt: skip
        if "error" not in request.session.get("flash", {}):
            await throttle.succeeded(who, address)
        return response

    @post("/modules")
    async def module_done(
        self,
        request: Request[Any, Any, Any],
        views: NamedDependency[ViewStore],
        data: Annotated[StepDone, Body(media_type=RequestEncodingType.URL_ENCODED)],
    ) -> Response[Any]:
        mine = me(request, views)
        app: Tremplin = request.app.state.tremplin
        return await _run(
            request, "/me/record", "module_recorded",
            lambda: app.complete_module(
                mine.person_ref, _cohort(mine), data.step_id, None,
                occurred_on=_day_of(request, data), command_id=_command_id(data),
            ),
        )  # fmt: skip

    @post("/simulations")
    async def simulation_attempt(
        self,
        request: Request[Any, Any, Any],
        views: NamedDependency[ViewStore],
        data: Annotated[StepDone, Body(media_type=RequestEncodingType.URL_ENCODED)],
    ) -> Response[Any]:
        mine = me(request, views)
        app: Tremplin = request.app.state.tremplin
        score = _score(data.score)
        return await _run(
            request, "/me/record", "simulation_recorded",
            lambda: app.attempt_simulation(
                mine.person_ref, _cohort(mine), data.step_id, score,
                occurred_on=_day_of(request, data), command_id=_command_id(data),
            ),
        )  # fmt: skip

    @post("/thanks")
    async def thank_peer(
        self,
        request: Request[Any, Any, Any],
        views: NamedDependency[ViewStore],
        data: Annotated[Thanks, Body(media_type=RequestEncodingType.URL_ENCODED)],
    ) -> Response[Any]:
        mine = me(request, views)
        app: Tremplin = request.app.state.tremplin
        return await _run(
            request, "/me/record", "thanks_recorded",
            lambda: app.thank_peer(
                mine.person_ref, data.peer.strip(), _cohort(mine),
                occurred_on=_day_of(request, data), command_id=_command_id(data),
            ),
        )  # fmt: skip

    @get("/profile")
    async def profile(
        self, request: Request[Any, Any, Any], views: NamedDependency[ViewStore]
    ) -> Template:
        mine = me(request, views)
        trainee = _trainee(request, mine.person_ref)
        board = views.query(
            "SELECT display, display_name FROM leaderboard_people WHERE person_ref = ?",
            (mine.person_ref,),
        )
        return screen(
            request, "profile.html", me=mine, consents=trainee.consents if trainee else {},
            scopes=CONSENT_SCOPES, shown_as=board[0]["display_name"] if board else None,
            active="profile",
        )  # fmt: skip

    @post("/consents")
    async def consents(
        self,
        request: Request[Any, Any, Any],
        views: NamedDependency[ViewStore],
        data: Annotated[Consents, Body(media_type=RequestEncodingType.URL_ENCODED)],
    ) -> Response[Any]:
        """Each change is its own event: given, withdrawn, or shown otherwise on the board."""
        mine = me(request, views)
        app: Tremplin = request.app.state.tremplin
        held = dict(trainee.consents) if (trainee := _trainee(request, mine.person_ref)) else {}
        today = _today(request)

        def save() -> None:
            for scope, wanted in ((s, s.value in data.scopes()) for s in CONSENT_SCOPES):
                if wanted and scope not in held:
                    app.give_consent(mine.person_ref, scope, occurred_on=today)
                elif not wanted and scope in held:
                    app.withdraw_consent(mine.person_ref, scope, occurred_on=today)
            board = ConsentScope.LEADERBOARD
            if data.leaderboard == "none":
                if board in held:
                    app.withdraw_consent(mine.person_ref, board, occurred_on=today)
                return
            display = LeaderboardDisplay(data.leaderboard)
            pseudonym = data.pseudonym.strip() or None
            if display is LeaderboardDisplay.PSEUDONYM and pseudonym is None:
                raise InvalidValue("pseudonym", "choose a pseudonym to appear under one")
            if held.get(board) != display or display is LeaderboardDisplay.PSEUDONYM:
                app.give_consent(mine.person_ref, board, display, pseudonym, occurred_on=today)

        return await _run(request, "/me/profile", "consent_saved", save)

    @get("/wall")
    async def wall(
        self, request: Request[Any, Any, Any], views: NamedDependency[ViewStore]
    ) -> Template:
        mine = me(request, views)
        shown = wall_of(views, mine.current.cohort_id) if mine.current else None
        return screen(
            request, "wall.html", me=mine, wall=shown, active="wall",
            is_post=lambda entry: isinstance(entry, PostView), new_id=lambda: str(uuid.uuid4()),
        )  # fmt: skip

    @post("/wall")
    async def post_on_wall(
        self,
        request: Request[Any, Any, Any],
        views: NamedDependency[ViewStore],
        data: Annotated[WallPostForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
    ) -> Response[Any]:
        mine = me(request, views)
        app: Tremplin = request.app.state.tremplin
        post_id = data.post_id.strip() or str(uuid.uuid4())
        return await _run(
            request, "/me/wall", "posted",
            lambda: app.post_on_wall(
                post_id, mine.person_ref, _cohort(mine), data.kind, data.text,
                occurred_on=_day_of(request, data), command_id=_command_id(data),
            ),
        )  # fmt: skip

    @post("/wall/{post_id:str}/replies")
    async def reply(
        self,
        request: Request[Any, Any, Any],
        views: NamedDependency[ViewStore],
        post_id: FromPath[str],
        data: Annotated[WallPostForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
    ) -> Response[Any]:
        mine = me(request, views)
        app: Tremplin = request.app.state.tremplin
        reply_id = data.post_id.strip() or str(uuid.uuid4())
        return await _run(
            request, "/me/wall", "replied",
            lambda: app.reply_on_wall(
                post_id, reply_id, mine.person_ref, data.text,
                occurred_on=_day_of(request, data), command_id=_command_id(data),
            ),
        )  # fmt: skip

    @post("/wall/{post_id:str}/replies/{reply_id:str}/helpful")
    async def helpful(
        self,
        request: Request[Any, Any, Any],
        views: NamedDependency[ViewStore],
        post_id: FromPath[str],
        reply_id: FromPath[str],
        data: Annotated[CommandForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
    ) -> Response[Any]:
        mine = me(request, views)
        app: Tremplin = request.app.state.tremplin
        return await _run(
            request, "/me/wall", "found_helpful",
            lambda: app.mark_reply_helpful(
                post_id, reply_id, mine.person_ref,
                occurred_on=_day_of(request, data), command_id=_command_id(data),
            ),
        )  # fmt: skip

    @post("/wall/{post_id:str}/report")
    async def report(
        self,
        request: Request[Any, Any, Any],
        views: NamedDependency[ViewStore],
        post_id: FromPath[str],
        data: Annotated[Report, Body(media_type=RequestEncodingType.URL_ENCODED)],
    ) -> Response[Any]:
        mine = me(request, views)
        app: Tremplin = request.app.state.tremplin
        return await _run(
            request, "/me/wall", "reported",
            lambda: app.report_post(
                post_id, mine.person_ref, data.reason,
                occurred_on=_day_of(request, data), command_id=_command_id(data),
            ),
        )  # fmt: skip

    @get("/badges")
    async def badges(
        self, request: Request[Any, Any, Any], views: NamedDependency[ViewStore]
    ) -> Template:
        mine = me(request, views)
        return screen(
            request, "badges.html", me=mine, badges=badges_of(views, mine.person_ref),
            active="badges",
        )  # fmt: skip

    @get("/coaching")
    async def coaching(
        self, request: Request[Any, Any, Any], views: NamedDependency[ViewStore]
    ) -> Template:
        mine = me(request, views)
        plan = coaching_of(views, mine.person_ref, _today(request))
        return screen(request, "coaching.html", me=mine, plan=plan, active="coaching")

    @get("/jobs")
    async def jobs(
        self, request: Request[Any, Any, Any], views: NamedDependency[ViewStore]
    ) -> Template:
        mine = me(request, views)
        offers = offers_for(views, mine.person_ref, mine.track)
        return screen(request, "jobs.html", me=mine, offers=offers, active="jobs")

    @post("/jobs/{offer_ref:str}/apply")
    async def apply(
        self,
        request: Request[Any, Any, Any],
        views: NamedDependency[ViewStore],
        offer_ref: FromPath[str],
        data: Annotated[CommandForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
    ) -> Response[Any]:
        mine = me(request, views)
        app: Tremplin = request.app.state.tremplin
        return await _run(
            request, "/me/jobs", "applied",
            lambda: app.apply_for_offer(
                mine.person_ref, offer_ref,
                occurred_on=_day_of(request, data), command_id=_command_id(data),
            ),
        )  # fmt: skip

    @get("/data")
    async def my_data(
        self, request: Request[Any, Any, Any], views: NamedDependency[ViewStore]
    ) -> Response[Any]:
        """Everything recorded about me, as a file (GDPR: access and portability)."""
        mine = me(request, views)
        app: Tremplin = request.app.state.tremplin
        exported = await asyncio.to_thread(
            export_person, app, mine.person_ref, email=principal(request).email
        )
        name = f"tremplin-{mine.person_ref}-{_today(request).isoformat()}.json"
        return Response(
            exported,
            media_type="application/json",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )


def streak(views: ViewStore, person_ref: str, today: date) -> int:
    """Days in a row, up to today or yesterday, with at least one XP award."""
    days = {
        date.fromisoformat(row[0])
        for row in views.query(
            "SELECT DISTINCT occurred_on FROM xp_awards WHERE person_ref = ? AND xp > 0",
            (person_ref,),
        )
    }
    day = today if today in days else today - timedelta(days=1)
    count = 0
    while day in days:
        count, day = count + 1, day - timedelta(days=1)
    return count


def _trainee(request: Request[Any, Any, Any], person_ref: str) -> Trainee | None:
    found = request.app.state.tremplin.load(trainee_id(person_ref))
    return found if isinstance(found, Trainee) else None


def _today(request: Request[Any, Any, Any]) -> date:
    app: Tremplin = request.app.state.tremplin
    return app.clock()


def _day_of(request: Request[Any, Any, Any], form: CommandForm) -> date:
    """The day the action happened: the phone's, for an action queued offline and sent
    later (the domain refuses a day in the future or outside the enrolment)."""
    if form.occurred_on:
        try:
            return date.fromisoformat(form.occurred_on)
        except ValueError:
            raise InvalidValue("occurred_on", "is not a day (YYYY-MM-DD)") from None
    return _today(request)


def _cohort(mine: Me) -> str:
    if mine.current is None or mine.current.left_on is not None:
        raise DomainError("you are not enrolled in a running cohort")
    return mine.current.cohort_id


def _command_id(form: CommandForm) -> str:
    """The phone's id when it sent one (a replay records once), else a fresh one."""
    given = form.command_id.strip()
    return given if given else str(uuid.uuid4())


def _score(text: str) -> float:
    try:
        return float(text.replace(",", "."))
    except ValueError:
        raise DomainError("score: type a number, e.g. 75") from None


async def _run(
    request: Request[Any, Any, Any], back: str, done: str, action: Callable[[], Any]
) -> Response[Any]:
    """Run a command off the event loop; say how it went on the page it came from."""
    words = gettext_for(language_of(request))
    target = Redirect(in_language(request, back), status_code=303)
    try:
        await asyncio.to_thread(action)
    except DomainError as error:
        message = words(ERRORS.get(error.code, str(error)))
        if "text/html" not in request.headers.get("accept", ""):
            # The outbox replaying an action: tell it plainly that it will never be recorded.
            return flash(request, Response(message, status_code=422, media_type="text/plain"),
                         error=message)  # fmt: skip
        return flash(request, target, error=message)
    return flash(request, target, notice=words(DONE[done]))
