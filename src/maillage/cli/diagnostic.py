"""CLI commands of the diagnostic report (added to the `report` group)."""

commands: list = []
