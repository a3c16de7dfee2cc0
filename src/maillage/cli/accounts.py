"""CLI commands of the accounts area."""

commands: list = []
