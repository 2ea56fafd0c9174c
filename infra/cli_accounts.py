"""`tremplin users …` and `tremplin apikeys …`: accounts and machines' keys from the terminal.

A secret is shown once and never echoed: a password comes on stdin
(`--password-stdin`) or is generated and printed once; an API key is printed
once, as the last word of the output, so that a script can take it with `tail`.
Emails are not repeated in what these commands print: accounts are named by id.
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any, TypeVar

import anyio
import click
from litestar.stores.file import FileStore

from domain.accounts import LINK_OF_ROLE, ApiKeyKind, Role, normalised_email
from domain.application import Tremplin
from domain.ids import account_id
from infra.bootstrap import API_KEY_USAGE, file_store
from infra.cli_context import load_settings, open_application
from infra.credentials import hash_password, new_api_key, new_password
from projections.accounts import AccountRow, Accounts, ApiKeyRow, accounts, api_keys
from projections.runner import catch_up, prepare
from projections.store import PositionMoved, ViewStore

F = TypeVar("F", bound=Callable[..., Any])
ROLE = click.Choice([role.value for role in Role])
# Option → the account link it sets.
LINK_OPTIONS = {
    "person": "person_ref",
    "mentor": "mentor_ref",
    "employer": "employer_ref",
    "jobcentre": "jobcentre",
}
OPTION_OF_LINK = {link: f"--{option}" for option, link in LINK_OPTIONS.items()}
NEVER = "jamais"


@click.group()
def users() -> None:
    """Accounts: open, disable, grant and revoke roles, list."""


@click.group()
def apikeys() -> None:
    """API keys for job centres' systems and auditors' tools."""


def link_options(command: F) -> F:
    """--person, --mentor, --employer, --jobcentre: whom the account acts for."""
    helps = {
        "person": ("REF", "The trainee's person reference (role trainee)."),
        "mentor": ("REF", "The mentor's reference (role mentor)."),
        "employer": ("REF", "The employer's reference (role employer)."),
        "jobcentre": ("CODE", "The job centre's code (role jobcentre)."),
    }
    for option, (metavar, text) in reversed(helps.items()):
        command = click.option(f"--{option}", metavar=metavar, default=None, help=text)(command)
    return command


def links_for(role: Role, given: dict[str, str | None]) -> dict[str, str]:
    """The account's links from the link options, checked against the role."""
    links = {LINK_OPTIONS[option]: value for option, value in given.items() if value is not None}
    wanted = LINK_OF_ROLE.get(role)
    extra = sorted(OPTION_OF_LINK[link] for link in links if link != wanted)
    if extra:
        raise click.UsageError(f"a {role.value} account takes no {', '.join(extra)}")
    if wanted is not None and wanted not in links:
        raise click.UsageError(f"a {role.value} account needs {OPTION_OF_LINK[wanted]}")
    return links


def read_password() -> str:
    """The first line of stdin, without its line ending (a hidden prompt on a terminal)."""
    if sys.stdin.isatty():
        return str(click.prompt("Mot de passe", hide_input=True, err=True))
    return sys.stdin.readline().rstrip("\r\n")


@users.command("create")
@click.option("--role", type=ROLE, required=True, help="The account's first role.")
@click.option("--email", required=True, help="The login.")
@link_options
@click.option("--name", "full_name", default=None, help="The person's full name.")
@click.option("--password-stdin", is_flag=True, help="Read the password from stdin's first line.")
def users_create(
    role: str,
    email: str,
    person: str | None,
    mentor: str | None,
    employer: str | None,
    jobcentre: str | None,
    full_name: str | None,
    password_stdin: bool,
) -> None:
    """Open an account; without --password-stdin, a password is generated and shown once."""
    chosen = Role(role)
    given = {"person": person, "mentor": mentor, "employer": employer, "jobcentre": jobcentre}
    links = links_for(chosen, given)
    normalised_email(email)  # a bad address is refused before a password is asked for
    password = read_password() if password_stdin else new_password()
    app = open_application()
    opened = app.open_account(email, chosen, hash_password(password), links, full_name=full_name)
    click.echo(f"Compte {opened.result} ouvert (rôle {chosen.value}).")
    if not password_stdin:
        click.echo(f"Mot de passe (affiché une seule fois, notez-le maintenant) : {password}")


@users.command("disable")
@click.option("--email", required=True)
@click.option("--reason", required=True, help="Why (kept in the log).")
def users_disable(email: str, reason: str) -> None:
    """Disable an account: it can no longer log in."""
    app = open_application(existing=True)
    if _already(app, email, disabled=True):
        click.echo(f"Compte {_account_hex(email)} déjà désactivé.")
        return
    click.echo(f"Compte {app.disable_account(email, reason).result} désactivé.")


@users.command("enable")
@click.option("--email", required=True)
def users_enable(email: str) -> None:
    """Enable a disabled account."""
    app = open_application(existing=True)
    if _already(app, email, disabled=False):
        click.echo(f"Compte {_account_hex(email)} déjà actif.")
        return
    click.echo(f"Compte {app.enable_account(email).result} réactivé.")


@users.command("grant")
@click.option("--email", required=True)
@click.option("--role", type=ROLE, required=True)
@link_options
def users_grant(
    email: str,
    role: str,
    person: str | None,
    mentor: str | None,
    employer: str | None,
    jobcentre: str | None,
) -> None:
    """Grant a role; a role that acts for someone needs the account to be linked to them."""
    chosen = Role(role)
    given = {"person": person, "mentor": mentor, "employer": employer, "jobcentre": jobcentre}
    links = {LINK_OPTIONS[o]: v for o, v in given.items() if v is not None}
    app = open_application(existing=True)
    account = app.account(email)
    if account is not None and any(account.links.get(k) != v for k, v in links.items()):
        # Account.RoleGranted carries no link: links are set when the account is opened.
        raise click.ClickException(
            "the account is not linked to that record; links are set when an account is opened"
        )
    app.grant_role(email, chosen)  # NotFound when there is no such account
    click.echo(f"Rôle {chosen.value} accordé au compte {_account_hex(email)}.")


@users.command("revoke")
@click.option("--email", required=True)
@click.option("--role", type=ROLE, required=True)
def users_revoke(email: str, role: str) -> None:
    """Revoke a role."""
    open_application(existing=True).revoke_role(email, Role(role))
    click.echo(f"Rôle {role} retiré du compte {_account_hex(email)}.")


@users.command("password")
@click.option("--email", required=True)
@click.option("--password-stdin", is_flag=True, help="Read the new password from stdin.")
def users_password(email: str, password_stdin: bool) -> None:
    """Give an account a new password (every session of the old one ends)."""
    app = open_application(existing=True)
    if app.account(email) is None:
        raise click.ClickException("there is no account with this email")
    password = read_password() if password_stdin else new_password()
    app.change_password(email, hash_password(password))
    click.echo(f"Nouveau mot de passe pour le compte {_account_hex(email)}.")
    if not password_stdin:
        click.echo(f"Mot de passe (affiché une seule fois, notez-le maintenant) : {password}")


@users.command("sign-out-everywhere")
@click.option("--email", required=True)
def users_sign_out_everywhere(email: str) -> None:
    """End every session of the account (on every device)."""
    open_application(existing=True).sign_out_everywhere(email)
    click.echo(f"Toutes les sessions du compte {_account_hex(email)} sont fermées.")


@users.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
def users_list(as_json: bool) -> None:
    """Accounts: email, roles, links, demo, disabled."""
    store = _accounts_view(open_application(existing=True))
    rows = accounts(store)
    store.close()
    if as_json:
        for row in rows:
            click.echo(json.dumps(_account_json(row), ensure_ascii=False))
        return
    click.echo(f"{'email':<36} {'rôles':<20} {'liens':<36} {'démo':<5} désactivé")
    for row in rows:
        links = " ".join(f"{k}={v}" for k, v in sorted(row.links.items())) or "-"
        roles = ",".join(row.roles)
        click.echo(
            f"{row.email:<36} {roles:<20} {links:<36} {_yes(row.demo):<5} {_yes(row.disabled)}"
        )


@apikeys.command("create")
@click.option("--jobcentre", metavar="CODE", default=None, help="For this job centre's system.")
@click.option("--auditor", metavar="NAME", default=None, help="For this auditor's tool.")
def apikeys_create(jobcentre: str | None, auditor: str | None) -> None:
    """Issue a key; it is printed once, as the last word of the output."""
    if (jobcentre is None) == (auditor is None):
        raise click.UsageError("give exactly one of --jobcentre CODE or --auditor NAME")
    kind = ApiKeyKind.JOBCENTRE if jobcentre is not None else ApiKeyKind.AUDITOR
    scope = jobcentre if jobcentre is not None else str(auditor)
    key = new_api_key()
    open_application().issue_api_key(key.key_id, kind, scope, key.secret_hash)
    if kind is ApiKeyKind.JOBCENTRE:
        click.echo(
            f"Clé d'API {key.key_id} pour le système du centre {scope} : elle ne lit que les"
            " personnes orientées par ce centre qui y consentent."
        )
    else:
        click.echo(f"Clé d'API {key.key_id} pour un outil d'audit : lecture seule.")
    click.echo(
        "À envoyer dans l'en-tête « Authorization: Bearer <clé> ». Seule son empreinte est"
        " conservée : notez-la maintenant."
    )
    click.echo(f"Clé (affichée une seule fois) : {key.text}")


@apikeys.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
def apikeys_list(as_json: bool) -> None:
    """Keys: id, kind, scope, issued at, revoked, last used."""
    store = _accounts_view(open_application(existing=True))
    rows = api_keys(store)
    store.close()
    usage = file_store(load_settings(), API_KEY_USAGE)
    last_uses = anyio.run(_last_uses, usage, [row.key_id for row in rows])
    if as_json:
        for row in rows:
            click.echo(json.dumps(_key_json(row, last_uses[row.key_id]), ensure_ascii=False))
        return
    click.echo(
        f"{'clé':<12} {'type':<9} {'portée':<24} {'émise (UTC)':<16} {'révoquée':<8}"
        " dernier usage (UTC)"
    )
    for row in rows:
        last_used = last_uses[row.key_id]
        used = _when(last_used) if last_used else NEVER
        click.echo(
            f"{row.key_id:<12} {row.kind:<9} {row.scope:<24} {_when(row.issued_at):<16}"
            f" {_yes(row.revoked):<8} {used}"
        )


@apikeys.command("revoke")
@click.argument("key_id")
def apikeys_revoke(key_id: str) -> None:
    """Revoke a key: it is refused from now on."""
    app = open_application(existing=True)
    api_key = app.api_key(key_id)
    if api_key is not None and api_key.revoked:
        click.echo(f"Clé {key_id} déjà révoquée.")
        return
    app.revoke_api_key(key_id)  # NotFound for a key never issued
    click.echo(f"Clé {key_id} révoquée : elle est refusée dès maintenant.")


def _account_hex(email: str) -> str:
    return account_id(normalised_email(email)).hex


def _already(app: Tremplin, email: str, *, disabled: bool) -> bool:
    """Whether the account is already as asked (a command that would record nothing)."""
    account = app.account(email)
    return account is not None and account.disabled == disabled


def _accounts_view(app: Tremplin) -> ViewStore:
    """The accounts view, caught up on the log (only it: listing needs no other view)."""
    store = ViewStore(load_settings().views_path)
    projection = Accounts()
    prepare(store, projection)
    with contextlib.suppress(PositionMoved):  # another runner (the server) is applying it
        catch_up(app, store, projection)
    return store


async def _last_uses(store: FileStore, key_ids: list[str]) -> dict[str, datetime | None]:
    found: dict[str, datetime | None] = {}
    for key_id in key_ids:
        value = await store.get(key_id)
        found[key_id] = datetime.fromisoformat(value.decode()) if value else None
    return found


def _account_json(row: AccountRow) -> dict[str, object]:
    return {**asdict(row), "roles": list(row.roles), "opened_at": row.opened_at.isoformat()}


def _key_json(row: ApiKeyRow, last_used: datetime | None) -> dict[str, object]:
    used = last_used.isoformat() if last_used else None
    return {**asdict(row), "issued_at": row.issued_at.isoformat(), "last_used": used}


def _when(moment: datetime) -> str:
    return f"{moment.astimezone(UTC) if moment.tzinfo else moment:%Y-%m-%d %H:%M}"


def _yes(flag: bool) -> str:
    return "oui" if flag else "non"
