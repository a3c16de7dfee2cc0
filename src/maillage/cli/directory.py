"""CLI commands of the directory area."""

commands: list = []
