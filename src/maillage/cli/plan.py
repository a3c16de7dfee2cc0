"""CLI commands of the plan area."""

commands: list = []
