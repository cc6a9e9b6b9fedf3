"""`python -m kit.cli` is `testlab`."""

import sys

from kit.cli import main

sys.exit(main())
