"""The cyclic garbage collector in a serving worker: what start-up built is frozen.

A worker holds some 250,000 objects once the app is built (the instrument library,
the route and signature models, SQLAlchemy's mappers and compiled statements, the
templates, the report engines warmed up), and every full collection walks them all:
up to 0.7 s on the 2-core benchmark VM, during which the worker answers nothing
(docs/scaling.md). :func:`freeze_start_up_objects`,
the app's last start-up hook, moves them all into the collector's permanent generation
(``gc.freeze``, no collection first: that would cost a test run a full collection per
app, and start-up leaves some 150 unreachable objects), so that later collections walk
only what requests made. What start-up built lives as long as the worker; reference
counting still frees any of it that is dropped, only a cycle among frozen objects
would stay. :func:`unfreeze_start_up_objects`, at shutdown, hands them back to the
collector, for a process that goes on after its app (a test run builds hundreds).
"""

from __future__ import annotations

import gc


async def freeze_start_up_objects() -> None:
    gc.freeze()


async def unfreeze_start_up_objects() -> None:
    gc.unfreeze()
