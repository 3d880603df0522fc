"""`python -m kerasnotes` runs the `kerasnotes` command."""

import sys

from kerasnotes.cli import main

sys.exit(main())
