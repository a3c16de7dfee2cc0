"""CLI commands of the reports area."""

commands: list = []
