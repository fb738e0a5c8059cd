#!/usr/bin/env python
"""Django's command-line utility for Ambito."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
# platform/ is a source root holding the project package `ambito`; it is not itself a
# package, so the standard library's `platform` module stays importable.
for entry in (str(ROOT), str(ROOT / "platform")):
    if entry not in sys.path:
        sys.path.insert(0, entry)


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ambito.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
