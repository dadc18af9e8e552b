"""``python -m gui`` starts Facteur."""

import sys

from gui.app import main  # absolute: PyInstaller runs this file as a script

sys.exit(main())
