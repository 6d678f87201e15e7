"""PyInstaller's entry script for the bundle: the same ``main`` as the ``jixiao`` command."""
import sys

from desktop.main import main

if __name__ == "__main__":
    sys.exit(main())
