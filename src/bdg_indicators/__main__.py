"""``python -m bdg_indicators`` runs the ``bdg`` command."""

import sys

from .cli import main

sys.exit(main())
