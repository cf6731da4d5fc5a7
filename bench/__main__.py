"""Run the ``bench/bench_*.py`` modules and report how each one went.

    python -m bench                    every module, with its default options
    python -m bench NAME... [OPTIONS]  the named modules (``benchmark`` or
                                       ``bench_benchmark``), OPTIONS passed to each

Each module exposes ``main(argv)`` (or ``main()``) returning an exit status. Exits
non-zero when any module fails.
"""

from __future__ import annotations

import importlib
import inspect
import sys
import time
import traceback
from collections.abc import Sequence
from pathlib import Path

PREFIX = "bench_"


def modules() -> list[str]:
    """The bench module names, in file-name order."""
    return sorted(path.stem for path in Path(__file__).parent.glob(f"{PREFIX}*.py"))


def _run(name: str, options: list[str]) -> int:
    main = importlib.import_module(f"bench.{name}").main
    try:
        status = main(options) if inspect.signature(main).parameters else main()
    except SystemExit as exit_:
        status = exit_.code if isinstance(exit_.code, int) else 1
    return int(status or 0)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    first_option = next((n for n, a in enumerate(args) if a.startswith("-")), len(args))
    names, options = args[:first_option], args[first_option:]
    if options and not names:
        print("options need module names: python -m bench NAME... [OPTIONS]")
        return 2
    available = modules()
    chosen = [n if n.startswith(PREFIX) else PREFIX + n for n in names] or available
    unknown = [n for n in chosen if n not in available]
    if unknown:
        print(f"unknown bench module(s): {', '.join(unknown)}; available: {', '.join(available)}")
        return 2
    failed = []
    for name in chosen:
        print(f"== {name}", flush=True)
        started = time.perf_counter()
        try:
            status = _run(name, options)
        except Exception:
            traceback.print_exc()
            status = 1
        outcome = "ok" if status == 0 else f"FAILED (status {status})"
        print(f"== {name}: {outcome} in {time.perf_counter() - started:.1f} s", flush=True)
        if status:
            failed.append(name)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
