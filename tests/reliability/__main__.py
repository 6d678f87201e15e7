import sys

from tests.reliability.runner import main

sys.exit(main())
