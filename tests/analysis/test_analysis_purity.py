"""maillage.analysis must stay pure Python: no Django import, direct or indirect."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import maillage.analysis

PACKAGE_DIR = Path(maillage.analysis.__file__).parent


def test_no_django_in_sys_modules_after_importing_every_module():
    code = (
        "import importlib, pkgutil, sys\n"
        "import maillage.analysis as a\n"
        "for m in pkgutil.walk_packages(a.__path__, 'maillage.analysis.'):\n"
        "    importlib.import_module(m.name)\n"
        "bad = sorted(n for n in sys.modules if n == 'django' or n.startswith('django.'))\n"
        "assert not bad, bad\n"
        "print('ok')\n"
    )
    src = str(PACKAGE_DIR.parents[1])
    proc = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": src, "PATH": "/usr/bin:/bin"},
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "ok"


def test_no_django_import_statement_in_source():
    for path in PACKAGE_DIR.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            assert not any(n.split(".")[0] == "django" for n in names), path
            assert not any(n.startswith("maillage.") and "analysis" not in n for n in names), path


def test_modules_stay_short():
    for path in PACKAGE_DIR.rglob("*.py"):
        assert len(path.read_text(encoding="utf-8").splitlines()) <= 500, path
