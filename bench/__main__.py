"""``python -m bench``: see ``bench.run.main``."""

from bench.run import main

raise SystemExit(main())
