"""The server does not load the file-format libraries until someone downloads a file (issue 20, cold start).

fpdf, xlsxwriter, openpyxl, python-pptx and vl-convert together take seconds and tens of MB to import;
a page that only shows figures must not pay for them on its first visit, nor keep them in memory. So
every module the entry file and the pages import is imported in a fresh interpreter, and none of those
libraries may appear in ``sys.modules``: they are imported inside the functions that write the files.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("fpdf", "xlsxwriter", "openpyxl", "pptx", "vl_convert")


def modules_imported_by(files: list[Path]) -> list[str]:
    """The project modules (dashboard.*, db.*) the files import, at any depth of their text."""
    found = set()
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                for alias in node.names:
                    found.add(f"{node.module}.{alias.name}")
                found.add(node.module)
            elif isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
    return sorted(name for name in found if name.split(".")[0] in ("dashboard", "db"))


def heavy_after_importing(modules: list[str], path: list[str] | None = None) -> dict[str, list[str]]:
    """In a fresh interpreter: import each module (a name that is not a module, e.g. a function, is skipped);
    which HEAVY libraries are loaded then, with the first module after whose import each appeared."""
    script = f"""
import importlib, json, sys
sys.path[:0] = {json.dumps([str(ROOT), *(path or [])])}
heavy, seen = {HEAVY!r}, {{}}
for name in {json.dumps(modules)}:
    try:
        importlib.import_module(name)
    except ImportError:
        continue  # "from package import function": the package itself is in the list too
    for lib in heavy:
        if lib in sys.modules and lib not in seen:
            seen[lib] = name
print(json.dumps(seen))
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=120,
                          check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_pages_and_the_entry_file_load_no_file_format_library():
    files = sorted((ROOT / "pages").glob("*.py")) + [ROOT / "dashboard" / "app.py"]
    modules = modules_imported_by(files)
    assert "dashboard.services.reporting.pilot_report" in modules  # the report page's: the scan sees it
    assert "dashboard.ui.forum_export" in modules
    assert heavy_after_importing(modules) == {}


def test_the_check_sees_a_module_importing_one_at_the_top(tmp_path):
    package = tmp_path / "lazy_probe"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "eager.py").write_text("import xlsxwriter\n")
    (package / "lazy.py").write_text("def write():\n    import xlsxwriter\n")
    assert heavy_after_importing(["lazy_probe.lazy"], [str(tmp_path)]) == {}
    assert heavy_after_importing(["lazy_probe.lazy", "lazy_probe.eager"], [str(tmp_path)]) == {
        "xlsxwriter": "lazy_probe.eager"}
