"""``maillage worker``: the worker that prepares the documents asked for on the web (ADR 0010).

The same documents stay synchronous from the CLI (``maillage report bilan``, ``maillage report
diagnostic``): only the web hands them to the worker. :func:`worker_process` starts the worker as
a subprocess beside the server (``maillage demo``) and stops it with the server.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click

#: The worker's command line, as a subprocess of the running Python (same venv, same settings).
WORKER_ARGV = (sys.executable, "-c", "from maillage.cli import main; main()", "worker")


def _uses_database_backend() -> bool:
    from django.conf import settings

    return settings.TASKS["default"]["BACKEND"].startswith("django_tasks_db.")


@click.command(
    help=(
        "Lance le travailleur qui prépare en arrière-plan les documents demandés sur le site "
        "(bilan, diagnostic, guide imprimable). Arrêt : Ctrl+C."
    )
)
@click.option(
    "--batch",
    is_flag=True,
    help="Traite les documents en attente puis s'arrête (au lieu d'attendre les suivants).",
)
@click.option(
    "--interval",
    type=click.FloatRange(0.1, 60),
    default=1.0,
    show_default=True,
    help="Secondes entre deux regards sur la file d'attente.",
)
@click.option(
    "--max-tasks",
    type=click.IntRange(1, None),
    default=None,
    help="S'arrête après ce nombre de documents (défaut : sans limite).",
)
def worker(batch: bool, interval: float, max_tasks: int | None) -> None:
    from django.core.management import call_command

    from .territory import require_migrated_database

    if not _uses_database_backend():
        click.echo(
            "MAILLAGE_TASKS_BACKEND ne vaut pas « database » : les documents sont préparés "
            "pendant la requête, aucun travailleur n'est nécessaire."
        )
        return
    require_migrated_database()
    from maillage.jobs.services import job_prune

    pruned = job_prune()
    if pruned:
        click.echo(f"{pruned} document(s) de plus de 7 jours supprimé(s).")
    click.echo(
        "Travailleur lancé : documents en attente traités puis arrêt."
        if batch
        else "Travailleur lancé : en attente de documents à préparer (Ctrl+C pour arrêter)."
    )
    options: dict[str, object] = {
        "interval": interval,
        "reload": False,
        "startup_delay": False,
        "verbosity": 1,
    }
    if batch:
        options["batch"] = True
    if max_tasks is not None:
        options["max_tasks"] = max_tasks
    try:
        call_command("db_worker", **options)
    except KeyboardInterrupt:
        click.echo("Travailleur arrêté.")


@contextmanager
def worker_process() -> Iterator[subprocess.Popen[bytes] | None]:
    """A worker subprocess for the duration of the block (none with the immediate backend);
    stopped (then killed after 10 s) when the block ends, however it ends."""
    if not _uses_database_backend():
        yield None
        return
    process = subprocess.Popen(WORKER_ARGV)  # noqa: S603 - our own interpreter and module
    click.echo(f"Travailleur des documents lancé (processus {process.pid}).")
    try:
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


commands = [worker]
