"""psychometrics/ depends on numpy (and scipy), never on the app's frameworks."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_psychometrics_imports_neither_flask_nor_sqlalchemy():
    modules = sorted(path.stem for path in (ROOT / "psychometrics").glob("*.py") if path.stem != "__init__")
    code = ("import sys\n" + "".join(f"import psychometrics.{name}\n" for name in modules)
            + "print(sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'sqlalchemy', 'flask_sqlalchemy')))")

    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)

    assert modules and result.stdout.strip() == "[]"
