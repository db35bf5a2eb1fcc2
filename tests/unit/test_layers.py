"""The layers point one way (README, Layout): every module imports on its own, no cycle exists, no
module imports a row below its own, the pure modules load neither Flask nor a database, and imports
inside functions say why."""
import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "signage"
#: Rows from the top; a module may import its own row and the rows above it (a smaller number).
ROWS = (
    ("signage.vocabulary", "signage.rules", "signage.translation", "signage.labels", "signage.consent_labels",
     "signage.request_labels", "signage.duty_labels", "signage.messages",
     "signage.template_names", "signage.form_ui", "signage.fonts", "signage.local_time", "signage.pdfium"),
    ("signage.database", "signage.extensions", "signage.errors", "signage.http", "signage.config",
     "signage.i18n", "signage.security", "signage.validation", "signage.pagination", "signage.jobs",
     "signage.outbox", "signage.ratelimits"),
    ("signage.audit",), ("signage.auth",), ("signage.sites",), ("signage.notices",), ("signage.signs",),
    ("signage.consent",), ("signage.requests",), ("signage.register",), ("signage.calendar",),
)
#: The edges talk to the world and may use any feature.
EDGES = ("signage.app", "signage.cli", "signage.demo", "signage.api", "signage.dashboard", "signage.housekeeping",
         "signage.demo_scale", "signage.static_export")
#: Pure modules: they compute on plain data and load neither Flask, SQLAlchemy nor Flask-Babel.
PURE = ("signage.vocabulary", "signage.rules", "signage.rules.engine", "signage.rules.texts", "signage.rules.packs", "signage.rules.workdays",
        "signage.rules.duties", "signage.rules.duty_facts", "signage.rules.duty_done", "signage.rules.months", "signage.pdfium",
        "signage.audit.chain", "signage.audit.seams", "signage.audit.merkle", "signage.audit.notes", "signage.signs.render", "signage.signs.layout", "signage.signs.typeset",
        "signage.signs.cover", "signage.signs.qr",
        "signage.signs.wrap", "signage.signs.spec", "signage.fonts", "signage.local_time", "signage.requests.rules",
        "signage.requests.tokens", "signage.calendar.ical", "signage.calendar.dossier_content", "signage.calendar.dossier_labels",
        "signage.calendar.dossier_pdf")
FRAMEWORKS = ("flask", "sqlalchemy", "flask_sqlalchemy", "flask_babel")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = sorted(module_name(path) for path in PACKAGE.rglob("*.py"))


def is_edge(name: str) -> bool:
    leaf = name.rsplit(".", 1)[-1]
    return name.startswith(EDGES) or leaf == "views" or leaf.endswith("_views") or leaf == "cli"


def row_of(name: str) -> int | None:
    for number, row in enumerate(ROWS):
        if any(name == prefix or name.startswith(prefix + ".") for prefix in row):
            return number
    return None


def imports(name: str) -> list[tuple[str, int, bool]]:
    """Return (imported signage module, line, inside a function) for every import in a module."""
    path = PACKAGE.parent / (name.replace(".", "/") + ".py")
    if not path.exists():
        path = PACKAGE.parent / name.replace(".", "/") / "__init__.py"
    tree = ast.parse(path.read_text())
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            targets = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            continue
        inside = any(isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef)) and parent.lineno <= node.lineno
                     <= parent.end_lineno for parent in ast.walk(tree))
        for target in targets:
            if target.startswith("signage") and target in MODULES:
                found.append((target, node.lineno, inside))
    return found


def test_every_module_has_a_row_or_is_an_edge():
    assert [name for name in MODULES if name != "signage" and row_of(name) is None and not is_edge(name)] == []


def test_no_module_imports_a_row_below_its_own():
    wrong = []
    for name in MODULES:
        if is_edge(name) or row_of(name) is None:
            continue
        for target, line, _inside in imports(name):
            if is_edge(target) or (row_of(target) is not None and row_of(target) > row_of(name)):
                wrong.append(f"{name}:{line} imports {target}")
    assert wrong == []


def test_there_is_no_import_cycle():
    graph = {name: {target for target, _line, inside in imports(name) if not inside and target != name}
             for name in MODULES}
    state, cycles = {}, []

    def visit(node, path):
        state[node] = "open"
        for nxt in graph.get(node, ()):
            if state.get(nxt) == "open":
                cycles.append(path[path.index(nxt):] + [nxt] if nxt in path else [node, nxt])
            elif nxt not in state:
                visit(nxt, path + [nxt])
        state[node] = "done"

    for name in MODULES:
        if name not in state:
            visit(name, [name])
    # a package importing its own submodule is not a cycle of features
    cycles = [cycle for cycle in cycles if not all(part.startswith(cycle[0] + ".") or part == cycle[0]
                                                   for part in cycle[1:])]
    assert cycles == []


def test_imports_inside_functions_say_why():
    silent = []
    for name in MODULES:
        path = PACKAGE.parent / (name.replace(".", "/") + ".py")
        lines = path.read_text().splitlines() if path.exists() else []
        for target, line, inside in imports(name):
            if inside and "#" not in lines[line - 1] and "#" not in lines[line - 2]:
                silent.append(f"{name}:{line} imports {target}")
    assert silent == []


def _fresh_imports(names: list[str]) -> dict:
    script = (
        "import importlib, json, sys\n"
        "result = {}\n"
        f"for name in {names!r}:\n"
        "    for loaded in [m for m in sys.modules if m == 'signage' or m.startswith('signage.')]:\n"
        "        del sys.modules[loaded]\n"
        "    before = set(sys.modules)\n"
        "    try:\n"
        "        importlib.import_module(name)\n"
        "        result[name] = sorted(m.split('.')[0] for m in set(sys.modules) - before)\n"
        "    except Exception as error:\n"
        "        result[name] = repr(error)\n"
        "print(json.dumps(result))\n")
    output = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300,
                            cwd=PACKAGE.parent, check=True).stdout
    return json.loads(output.splitlines()[-1])


def test_every_module_imports_on_its_own_in_a_fresh_interpreter():
    results = _fresh_imports(MODULES)
    assert {name: outcome for name, outcome in results.items() if isinstance(outcome, str)} == {}


@pytest.mark.parametrize("name", PURE)
def test_pure_modules_load_no_framework(name):
    script = (f"import sys, importlib; importlib.import_module({name!r}); "
              f"print(sorted(m for m in sys.modules if m.split('.')[0] in {FRAMEWORKS!r}))")
    loaded = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
                            cwd=PACKAGE.parent, check=True).stdout.strip()
    assert loaded == "[]"
