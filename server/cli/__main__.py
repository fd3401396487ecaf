"""`python -m server.cli`, the same as the `onewindow` script."""

import sys

from .group import main

if __name__ == "__main__":
    sys.exit(main())
