"""Long work off the request: documents built by a background worker (ADR 0010)."""
