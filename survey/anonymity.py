"""Peer-group thresholds.

The organisation-level rules (role groups, views, an organisation's own figures) are in
:mod:`survey.disclosure.roles`. The rules, in plain language, are in
``docs/methodology.md`` ("Anonymity").

* A peer group result needs at least ``MIN_PEER_GROUP`` organisations; below that
  only the count may show.
"""

from __future__ import annotations

MIN_PEER_GROUP = 5


def peer_group_suppressed(peer_count: int) -> bool:
    """True when a peer group is too small to show anything but its count."""
    if peer_count < 0:
        raise ValueError("peer_count must not be negative")
    return peer_count < MIN_PEER_GROUP
