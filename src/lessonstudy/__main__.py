from lessonstudy.cli import main

raise SystemExit(main())
