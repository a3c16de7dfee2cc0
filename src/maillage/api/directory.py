"""API endpoints of the directory area."""

router = None
