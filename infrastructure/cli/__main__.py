from __future__ import annotations

from boternity_store.infrastructure.cli.main import main

raise SystemExit(main())
