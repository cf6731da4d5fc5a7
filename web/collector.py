"""The cyclic garbage collector in a serving worker: what start-up built is frozen.

A worker holds some 250,000 objects once the app is built (the instrument library,
the route and signature models, SQLAlchemy's mappers and compiled statements, the
templates, the report engines warmed up), and every full collection walks them all:
0.1-0.7 s on the 2-core benchmark VM, during which the worker answers nothing, and
under load a full collection comes every few seconds. :func:`freeze_start_up_objects`,
the app's last start-up hook, collects once and moves everything left into the
collector's permanent generation (``gc.freeze``), so that later collections walk only
what requests made. What start-up built lives as long as the worker; reference
counting still frees any of it that is dropped, only a cycle among frozen objects
would stay.
"""

from __future__ import annotations

import gc


async def freeze_start_up_objects() -> None:
    gc.collect()
    gc.freeze()
