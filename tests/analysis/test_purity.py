"""The analysis package must stay importable without the web stack."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_import_pulls_in_no_flask_or_sqlalchemy():
    code = (
        "import sys, consult.analysis, consult.analysis.__main__; "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('flask', 'sqlalchemy')]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stdout + done.stderr
