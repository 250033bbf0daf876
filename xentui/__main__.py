"""`python -m xentui` is the same as the `xentui` command."""

from xentui.cli import main

raise SystemExit(main())
