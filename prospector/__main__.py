import sys

from prospector.cli import main

sys.exit(main())
