"""CLI commands of the interop area."""

commands: list = []
