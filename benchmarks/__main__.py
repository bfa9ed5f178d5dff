"""`python -m benchmarks [NAME ...] [--json FILE]`."""

from benchmarks.harness import main

raise SystemExit(main())
