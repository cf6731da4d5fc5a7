"""The layers import one way: instruments ← survey ← analytics ← web ← the composition
root and the command line. Read from the source (every import statement, and every
string naming a module of a higher layer, as a lazy import would), so that an import
inside a function counts as much as one at the top."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]
ABOVE = {
    "instruments": ("survey", "analytics", "web", "bootstrap", "cli"),
    "survey": ("analytics", "web", "bootstrap", "cli"),
    "analytics": ("web", "bootstrap", "cli"),
    "web": ("cli",),
}


def imported(tree: ast.AST) -> list[tuple[int, str]]:
    """``(line, module)`` of every import, and of every string that names a module."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            match = re.fullmatch(r"([a-z_]+(?:\.[a-z_]+)*)(?::[a-z_]+)?", node.value)
            if match and ("." in node.value or ":" in node.value):
                found.append((node.lineno, match.group(1)))
    return found


def violations(layer: str) -> list[str]:
    forbidden = ABOVE[layer]
    return [
        f"{path.relative_to(PROJECT)}:{line} imports {module}"
        for path in sorted((PROJECT / layer).rglob("*.py"))
        for line, module in imported(ast.parse(path.read_text(encoding="utf-8")))
        if module.split(".")[0] in forbidden
    ]


@pytest.mark.parametrize("layer", ABOVE)
def test_no_layer_imports_a_layer_above_it(layer):
    assert violations(layer) == []


def test_the_check_sees_imports_inside_functions_and_lazy_names(tmp_path):
    source = (
        "def f():\n    from web.app import create_app\n"
        "import analytics.cli\n"
        "COMMANDS = {'analyse': 'analytics.cli:analyse'}\n"
    )
    found = {module for _, module in imported(ast.parse(source))}
    assert {"web.app", "analytics.cli"} <= found
