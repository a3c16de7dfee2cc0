#!/usr/bin/env python
"""Convenience wrapper: ``python manage.py check --deploy``."""

from maillage.manage import main

if __name__ == "__main__":
    main()
