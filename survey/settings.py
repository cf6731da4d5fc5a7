"""The core settings (database, secret, links, credential lifetimes, sign-in locks,
mail), read from the environment in one typed place; the web app adds its own in
:mod:`web.settings`.

The composition root reads them once per process; tests
pass their own ``Settings`` to it, or set environment variables before it runs.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", extra="ignore", frozen=True)

    database_url: str = Field(
        default=f"sqlite:///{PROJECT_ROOT / 'var' / 'smbench.sqlite3'}",
        description="SQLAlchemy URL; sqlite:///path (embedded default) or postgresql://...",
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
    coordinator_link_lifetime_days: int = Field(
        default=30, gt=0, description="Dashboard links (claim the first coordinator account)"
    )
    api_token_lifetime_days: int = Field(
        default=365, gt=0, description="Integrity-office API tokens"
    )
    personal_token_lifetime_days: int = Field(
        default=90, gt=0, description="Coordinators' personal API tokens"
    )
    invitation_lifetime_hours: int = Field(
        default=72, gt=0, description="Invitations of further coordinators (one-time)"
    )
    password_reset_lifetime_minutes: int = Field(
        default=30, gt=0, description="Password reset links (one-time)"
    )
    respondent_token_lifetime_days: int = Field(
        default=180,
        gt=0,
        description="Respondent resume links; they also end when the round closes",
    )
    login_account_failures: int = Field(
        default=5, gt=0, description="Failed sign-ins of one account before it is locked"
    )
    login_address_failures: int = Field(
        default=20, gt=0, description="Failed sign-ins from one address before it is locked"
    )
    login_failure_window_seconds: int = Field(
        default=900, gt=0, description="Failures count within this window"
    )
    login_first_lock_seconds: int = Field(
        default=60, gt=0, description="First lock; each further failure doubles it"
    )
    login_longest_lock_seconds: int = Field(default=900, gt=0, description="Longest lock")
    password_hash_concurrency: int = Field(
        default=2, gt=0, description="Password hashes computed at once per worker (19 MiB each)"
    )
    password_hash_wait_seconds: float = Field(
        default=5.0, gt=0, description="How long a sign-in waits for a hashing slot"
    )
    office_totp_required: bool = Field(
        default=False, description="Integrity-office users must sign in with a TOTP code"
    )
    sqlite_busy_timeout_ms: int = 30_000
    database_pool_size: int = Field(
        default=4,
        gt=0,
        description="PostgreSQL only: connections each worker keeps, and so the request "
        "sessions it runs at once (the others queue in the worker); a worker is one "
        "Python process, so a few in flight keep it busy while others wait for the "
        "database, and more only queue for the interpreter (docs/scaling.md)",
    )
    sqlite_synchronous: Literal["full", "normal"] = Field(
        default="normal",
        description="SQLite only: 'normal' loses no acknowledged save when the process is "
        "killed, only possibly the last ones on an OS crash or power cut; 'full' syncs "
        "every commit to disk (about one fsync per save)",
    )
    smtp_url: str | None = Field(
        default=None,
        description=(
            "Mail server: smtp://host:port, smtp+starttls://user:password@host:587 or "
            "smtps://...; without it no mail is sent and the links are shown to copy"
        ),
    )
    mail_from: str = Field(
        default="smbench@localhost", description="The sender address of every mail"
    )
    mail_worker: bool = Field(
        default=True,
        description="Send queued mail, close rounds at their deadline and send reminders "
        "from within the app (turn off when `survey mail send --loop` runs instead)",
    )
    mail_poll_seconds: float = Field(
        default=30.0, gt=0, description="How often the worker looks for mail and deadlines"
    )
    mail_max_attempts: int = Field(
        default=8, gt=0, description="Attempts to send one mail before it counts as failed"
    )

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
