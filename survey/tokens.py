"""Secrets: tokens and invitation codes from a CSPRNG, stored only as hashes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

TOKEN_BYTES = 32  # 256 bits


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    """SHA-256 is enough for high-entropy tokens (no dictionary to attack)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def invite_code_for(round_id: str, secret_key: str) -> str:
    """The round's invitation code: 160 bits derived from the server secret.

    Deriving it lets the coordinator see the link again while the database keeps
    only its hash; nobody without the server secret can compute it.
    """
    digest = hmac.new(secret_key.encode(), f"invite:{round_id}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:20]).decode().rstrip("=")


def matches(token: str, token_hash: str) -> bool:
    return hmac.compare_digest(hash_token(token), token_hash)
