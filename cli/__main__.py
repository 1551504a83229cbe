"""`python -m cli …` runs the `refnet` command."""

import sys

from cli.main import main

sys.exit(main())
