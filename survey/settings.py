"""All settings, read from the environment in one typed place.

Tests override them by setting environment variables (or calling
`get_settings.cache_clear()`) before the app is built.
"""

from __future__ import annotations

import secrets
from functools import cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", extra="ignore", frozen=True)

    database_url: str = Field(
        default=f"sqlite:///{PROJECT_ROOT / 'var' / 'smbench.sqlite3'}",
        description="SQLAlchemy URL; sqlite:///path (embedded default) or postgresql://...",
    )
    redis_url: str | None = Field(
        default=None, description="Shared store for sessions and rate limits across workers"
    )
    data_dir: Path = Field(default=PROJECT_ROOT / "var", description="Local state: secret, stores")
    secret_key: str | None = Field(
        default=None, description="Signs sessions and derives invitation codes; generated if unset"
    )
    host: str = "127.0.0.1"
    port: int = 8000
    base_url: str | None = Field(
        default=None, description="Public URL of the app, used in invitation links"
    )
    debug: bool = False
    session_max_age: int = Field(default=8 * 3600, description="Login session lifetime (s)")
    secure_cookies: bool = Field(default=False, description="Set the Secure flag on cookies")
    rate_limit_per_minute: int = Field(
        default=600,
        description=(
            "Requests per minute per client address on endpoints that take a token or an "
            "invitation code. Tokens carry 256 bits and codes 160, so the limit is a second "
            "line of defence; it is generous because a whole organisation may answer from "
            "behind one address."
        ),
    )
    registration_limit_per_hour: int = Field(
        default=20, description="Organisation registrations per hour per client"
    )
    max_request_bytes: int = Field(default=1_000_000, description="Largest accepted request body")
    sqlite_busy_timeout_ms: int = 30_000

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def resolved_secret_key(self) -> str:
        """The configured secret, or one kept in the data folder (shared by local workers)."""
        if self.secret_key:
            return self.secret_key
        path = self.data_dir / "secret.key"
        if not path.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            candidate = secrets.token_urlsafe(48)
            try:
                with path.open("x", encoding="utf-8") as fh:
                    fh.write(candidate)
                path.chmod(0o600)
            except FileExistsError:
                pass
        return path.read_text(encoding="utf-8").strip()


@cache
def get_settings() -> Settings:
    return Settings()
