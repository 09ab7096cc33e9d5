"""`python -m tests.demo_loading FOLDER URL`: load the demo into the database
at URL, its documents in FOLDER, for a test run (tests/conftest.py's
`start_loading_the_demo` starts it), holding the lock it inherited until it ends."""

import sys
from pathlib import Path

from tests.conftest import load_demo

if __name__ == "__main__":
    load_demo(Path(sys.argv[1]), sys.argv[2])
