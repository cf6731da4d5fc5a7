"""The instruments package's public names, imported on first use: the lazy table and
``__all__`` must name the same ones, and each must resolve from its module."""

from __future__ import annotations

import instruments


def test_every_public_name_resolves_from_its_module():
    assert set(instruments.__all__) == set(instruments._HOME)
    for name in instruments.__all__:
        assert getattr(instruments, name) is not None, name
