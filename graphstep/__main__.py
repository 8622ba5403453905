from graphstep.cli import main

raise SystemExit(main())
