"""Accounts and API keys as lists, for the admin's page and `tremplin users|apikeys list`.

Deciding who may do what reads the aggregates themselves (never a view that may
lag); this view only lists them. The email is kept here because the admin
manages accounts by it; no password or key hash ever reaches a view.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from domain.accounts import Account, ApiKey
from projections.store import ViewStore

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS accounts (account_id TEXT PRIMARY KEY, email TEXT NOT NULL,"
    " roles TEXT NOT NULL, links TEXT NOT NULL, demo BOOLEAN NOT NULL,"
    " disabled BOOLEAN NOT NULL DEFAULT FALSE, opened_at TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS api_keys (key_id TEXT PRIMARY KEY,"
    " aggregate_id TEXT NOT NULL UNIQUE, kind TEXT NOT NULL,"
    " scope TEXT NOT NULL, issued_at TEXT NOT NULL, revoked BOOLEAN NOT NULL DEFAULT FALSE)",
)


@dataclass(frozen=True)
class AccountRow:
    account_id: str
    email: str
    roles: tuple[str, ...]
    links: dict[str, str]
    demo: bool
    disabled: bool
    opened_at: datetime


@dataclass(frozen=True)
class ApiKeyRow:
    key_id: str
    kind: str
    scope: str
    issued_at: datetime
    revoked: bool


class Accounts:
    name = "accounts"
    version = 1
    event_classes = (
        Account.Opened,
        Account.RoleGranted,
        Account.RoleRevoked,
        Account.Disabled,
        Account.Enabled,
        ApiKey.Issued,
        ApiKey.Revoked,
    )
    tables = ("accounts", "api_keys")

    def create(self, connection: sqlite3.Connection) -> None:
        for statement in SCHEMA:
            connection.execute(statement)

    def apply(self, connection: sqlite3.Connection, event: Any, position: int) -> None:
        account = event.originator_id.hex  # or the key's aggregate
        if isinstance(event, Account.Opened):
            connection.execute(
                "INSERT INTO accounts (account_id, email, roles, links, demo, opened_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (
                    account,
                    event.personal.email or "",
                    json.dumps([event.role.value]),
                    json.dumps(event.links, sort_keys=True),
                    event.demo,
                    event.timestamp.isoformat(),
                ),
            )
        elif isinstance(event, Account.RoleGranted | Account.RoleRevoked):
            (roles,) = connection.execute(
                "SELECT roles FROM accounts WHERE account_id = ?", (account,)
            ).fetchone()
            held = set(json.loads(roles))
            if isinstance(event, Account.RoleGranted):
                held.add(event.role.value)
            else:
                held.discard(event.role.value)
            connection.execute(
                "UPDATE accounts SET roles = ? WHERE account_id = ?",
                (json.dumps(sorted(held)), account),
            )
        elif isinstance(event, Account.Disabled | Account.Enabled):
            connection.execute(
                "UPDATE accounts SET disabled = ? WHERE account_id = ?",
                (isinstance(event, Account.Disabled), account),
            )
        elif isinstance(event, ApiKey.Issued):
            connection.execute(
                "INSERT INTO api_keys (key_id, aggregate_id, kind, scope, issued_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (event.key_id, account, event.kind.value, event.scope, event.timestamp.isoformat()),
            )
        elif isinstance(event, ApiKey.Revoked):
            connection.execute(
                "UPDATE api_keys SET revoked = TRUE WHERE aggregate_id = ?", (account,)
            )


def accounts(views: ViewStore) -> list[AccountRow]:
    return [
        AccountRow(
            row["account_id"],
            row["email"],
            tuple(json.loads(row["roles"])),
            json.loads(row["links"]),
            bool(row["demo"]),
            bool(row["disabled"]),
            datetime.fromisoformat(row["opened_at"]),
        )
        for row in views.query("SELECT * FROM accounts ORDER BY email")
    ]


def api_keys(views: ViewStore) -> list[ApiKeyRow]:
    return [
        ApiKeyRow(
            row["key_id"],
            row["kind"],
            row["scope"],
            datetime.fromisoformat(row["issued_at"]),
            bool(row["revoked"]),
        )
        for row in views.query("SELECT * FROM api_keys ORDER BY issued_at, key_id")
    ]
