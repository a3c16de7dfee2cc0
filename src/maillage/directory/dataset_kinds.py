"""Dataset kinds of the directory (registered in apps.ready)."""
