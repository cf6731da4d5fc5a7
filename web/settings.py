"""The web app's own settings: the core settings (:mod:`survey.settings`) and what only
serving over HTTP needs (shared stores, sessions, cookies, HSTS, rate and size limits).
Read from the environment once per process by the composition root."""

from __future__ import annotations

from typing import Any

from pydantic import Field, model_validator

from survey.settings import Settings


class WebSettings(Settings):
    redis_url: str | None = Field(
        default=None, description="Shared store for sessions and rate limits across workers"
    )
    debug: bool = False
    report_prerender: bool = Field(
        default=True,
        description="Render a round's report files in the background when it closes, "
        "so that the first download comes from the cache",
    )
    session_max_age: int = Field(default=8 * 3600, description="Login session lifetime (s)")
    session_idle_timeout: int = Field(
        default=3600, ge=60, description="A signed-in session ends after this long unused (s)"
    )
    secure_cookies: bool = Field(
        default=False,
        description="Set the Secure flag on cookies; on by default when BASE_URL is https",
    )
    hsts_max_age: int = Field(
        default=365 * 86400, description="Strict-Transport-Security max-age (s), sent over https"
    )
    hsts_include_subdomains: bool = Field(
        default=True, description="HSTS also for the host's subdomains (ASVS level 2)"
    )
    rate_limit_per_minute: int = Field(
        default=600,
        description=(
            "Failed lookups per minute per client address (an unknown or expired token, "
            "invitation code, link or password: 401, 403, 404 or a locked account's 429) on "
            "endpoints that take "
            "one; past it every such request is refused (429) until the minute ends, the "
            "right credential as well. Valid requests are not counted, so a whole "
            "organisation answering from behind one address is never throttled. Tokens "
            "carry 256 bits and codes 160, so the limit is a second line of defence."
        ),
    )
    registration_limit_per_hour: int = Field(
        default=20, description="Organisation registrations per hour per client"
    )
    max_request_bytes: int = Field(default=1_000_000, description="Largest accepted request body")

    @model_validator(mode="before")
    @classmethod
    def _secure_cookies_over_https(cls, data: Any) -> Any:
        """``secure_cookies`` follows ``base_url`` unless it is set explicitly."""
        if isinstance(data, dict) and data.get("secure_cookies") is None:
            base_url = data.get("base_url")
            https = isinstance(base_url, str) and base_url.lower().startswith("https://")
            data = {**data, "secure_cookies": https}
        return data

    @property
    def served_over_https(self) -> bool:
        return bool(self.base_url and self.base_url.lower().startswith("https://"))
