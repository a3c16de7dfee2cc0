"""CLI commands of the analysis area."""

commands: list = []
