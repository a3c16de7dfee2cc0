"""API endpoints of the interop area."""

router = None
