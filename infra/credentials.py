"""Secrets: password hashing (Argon2id), API keys, and the installation's own secret key.

Passwords are hashed with argon2-cffi's defaults (RFC 9106's low-memory profile).
API keys are long random strings, so a plain SHA-256 of the secret is enough to
store them and is cheap to check on every request; they are compared in
constant time. The installation secret signs CSRF tokens and keys the
pseudonyms auditors see; it lives in the data folder, readable by its owner only.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from domain.errors import InvalidValue

MIN_PASSWORD = 12  # CNIL's recommendation for a password alone
MAX_PASSWORD = 1024  # hashing a megabyte on every try would be a denial of service
KEY_PREFIX = "tpk"
_KEY = re.compile(rf"^{KEY_PREFIX}_([0-9a-f]{{12}})_([A-Za-z0-9_-]{{43}})$")

_hasher = PasswordHasher()
# Verified when the login is unknown, so that a wrong email takes as long as a wrong password.
_DECOY = _hasher.hash(secrets.token_urlsafe(16))


def checked_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise InvalidValue("password", f"must have at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise InvalidValue("password", f"must have at most {MAX_PASSWORD} characters")
    return password


def hash_password(password: str) -> str:
    return _hasher.hash(checked_password(password))


def password_matches(password_hash: str | None, password: str) -> bool:
    """Whether `password` is the one hashed; with no hash, spend the same time and say no."""
    if len(password) > MAX_PASSWORD:
        return False
    try:
        return _hasher.verify(password_hash or _DECOY, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def new_password() -> str:
    """A password for someone to change later: 16 random URL-safe characters (96 bits)."""
    return secrets.token_urlsafe(12)


@dataclass(frozen=True)
class NewApiKey:
    key_id: str
    secret_hash: str
    text: str  # what the machine sends: shown once, never stored


def new_api_key() -> NewApiKey:
    key_id = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    return NewApiKey(key_id, secret_digest(secret), f"{KEY_PREFIX}_{key_id}_{secret}")


def parse_api_key(text: str) -> tuple[str, str] | None:
    """The key's id and secret, or None when the text is not shaped like a key."""
    match = _KEY.match(text)
    return (match.group(1), match.group(2)) if match else None


def secret_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def secret_matches(secret_hash: str, secret: str) -> bool:
    return hmac.compare_digest(secret_hash, secret_digest(secret))


def instance_secret(path: Path) -> bytes:
    """The installation's secret key, made on first use (32 random bytes, mode 0600)."""
    try:
        return bytes.fromhex(path.read_text().strip())
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:  # another process made it meanwhile: use theirs
        return bytes.fromhex(path.read_text().strip())
    with os.fdopen(descriptor, "w") as file:
        file.write(secrets.token_hex(32))
    return bytes.fromhex(path.read_text().strip())
