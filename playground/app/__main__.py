"""``python -m playground.app``: open the desktop app (same as ``playground`` without a command)."""

import sys

from . import main

if __name__ == "__main__":
    sys.exit(main())
