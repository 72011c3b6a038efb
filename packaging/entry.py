"""What the packaged app runs: the same ``playground`` command as ``pip install`` gives."""

import multiprocessing
import sys

from playground.__main__ import main

if __name__ == "__main__":
    multiprocessing.freeze_support()  # a frozen app must not re-run itself in a child process
    sys.exit(main())
