"""`python -m tests.demo_loading FOLDER`: load the SQLite demo into FOLDER for
a test run (tests/conftest.py's `start_loading_the_demo` starts it), holding
the lock it inherited until it ends."""

import sys
from pathlib import Path

from tests.conftest import load_demo

if __name__ == "__main__":
    folder = Path(sys.argv[1])
    load_demo(folder, f"sqlite:///{folder / 'demo.db'}")
