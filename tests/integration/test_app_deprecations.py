"""The app is declared as Litestar 2.25 asks, so that it keeps working on Litestar 3."""

from __future__ import annotations

import warnings

from litestar.exceptions import LitestarDeprecationWarning, LitestarWarning


def test_building_the_app_raises_no_litestar_deprecation_warning(make_app):
    """Inferred dependencies and path parameters, ``Dependency(skip_validation=...)`` and
    ``StaticFilesConfig`` each raised one; every handler, provider and the static files
    now say what they mean (``NamedDependency``, ``FromPath``, ``SkipValidation``,
    ``create_static_files_router``)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        make_app()
    deprecated = [
        str(w.message)
        for w in caught
        if issubclass(w.category, LitestarDeprecationWarning | LitestarWarning)
    ]
    assert deprecated == []
