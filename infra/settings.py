"""Typed settings, read once from `TREMPLIN_*` environment variables."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Literal

import msgspec

PREFIX = "TREMPLIN_"


class SettingsError(ValueError):
    """A `TREMPLIN_*` variable has a value Tremplin cannot use."""


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    data_dir: Path = Path("var")
    """Where the embedded database lives (TREMPLIN_DATA_DIR)."""
    host: str = "127.0.0.1"
    port: Annotated[int, msgspec.Meta(ge=1, le=65535)] = 8000
    log_backend: Literal["sqlite"] = "sqlite"
    sqlite_lock_timeout: Annotated[int, msgspec.Meta(ge=0)] = 10
    """Seconds a writer waits for another writer to finish (several processes share the file)."""
    cookie_secure: bool = True
    """Cookies only over HTTPS (browsers also send them to http://localhost)."""
    forwarded_allow_ips: str = ""
    """Proxies trusted to say who the client is (X-Forwarded-For): comma-separated IPs or
    networks; empty trusts none, so nobody can claim another address to dodge limits."""
    session_minutes: Annotated[int, msgspec.Meta(ge=1, le=24 * 60)] = 120
    """A session ends after this long without a request (shared computers)."""

    @property
    def database_path(self) -> Path:
        return self.data_dir / "tremplin.sqlite"

    @property
    def views_path(self) -> Path:
        return self.data_dir / "views.sqlite"

    @property
    def secret_path(self) -> Path:
        """The installation's secret key: signs CSRF tokens, keys auditors' pseudonyms."""
        return self.data_dir / "secret.key"

    @property
    def stores_path(self) -> Path:
        """litestar Stores kept on disk: sessions, API keys' last use."""
        return self.data_dir / "stores"

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> Settings:
        values = {
            key[len(PREFIX) :].lower(): value
            for key, value in environ.items()
            if key.startswith(PREFIX) and key[len(PREFIX) :].lower() in cls.__struct_fields__
        }
        try:
            # msgspec cannot decode a Path: build it from the variable's text.
            return msgspec.convert(values, cls, strict=False, dec_hook=lambda kind, v: kind(v))
        except msgspec.ValidationError as error:
            raise SettingsError(_name_variable(str(error))) from None


def _name_variable(message: str) -> str:
    """msgspec says "… - at `$.port`"; people set TREMPLIN_PORT."""
    text, _, where = message.partition(" - at `$.")
    field = where.rstrip("`")
    return f"{PREFIX}{field.upper()}: {text}" if field else message
