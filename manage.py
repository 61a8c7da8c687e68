#!/usr/bin/env python
"""Django's command-line utility for Keeper."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keeper.settings")
    from django.core.management import execute_from_command_line

    from keeper import devdb

    # Without DATABASE_URL, the embedded PostgreSQL is started for the command (keeper/devdb.py).
    with devdb.session():
        execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
