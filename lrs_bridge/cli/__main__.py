"""``python -m lrs_bridge.cli``: the same as the ``lrs-bridge`` command."""

from lrs_bridge.cli import main

raise SystemExit(main())
