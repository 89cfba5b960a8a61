from okta_wizard.cli import main

raise SystemExit(main())
