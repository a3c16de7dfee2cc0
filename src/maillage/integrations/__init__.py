"""Clients of outside services (HTTP). Each one is optional, bounded in time and answers in
French when the service is unreachable; no page waits on them longer than their timeout."""
