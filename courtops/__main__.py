from courtops.cli import main

raise SystemExit(main())
