"""API endpoints of the analysis area."""

router = None
