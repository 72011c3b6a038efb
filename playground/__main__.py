"""Start Transformer Playground: ``python -m playground`` opens the app, ``python -m playground CMD`` runs CMD.

Only dispatches: Qt and torch are imported by whatever the command needs, not here.
"""

import sys


def main() -> int:
    from playground.core.runtime import openmp_environment

    openmp_environment()  # before anything imports torch, which starts OpenMP
    from playground.cli import main as cli_main

    return cli_main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
