import sys

from workaid.cli import main

sys.exit(main())
