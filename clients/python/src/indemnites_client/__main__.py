import sys

from indemnites_client.cli import main

sys.exit(main())
