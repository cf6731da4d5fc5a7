"""The composition root of the web app and the command line (see docs/architecture.md)."""

from bootstrap.root import Root, build_root

__all__ = ["Root", "build_root"]
