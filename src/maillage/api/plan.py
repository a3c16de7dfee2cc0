"""API endpoints of the plan area."""

router = None
