"""The REST API (django-ninja, OpenAPI 3 at ``/api/v1/docs``).

Each area adds a ``router`` (served under its ``PREFIX``) in its own module of
:mod:`maillage.api` (``ROUTER_MODULES``). A module that writes on another module's paths
(``directory_write`` on ``/structures``, ``plan_write`` on ``/plan``) registers its operations
on that module's router, since one path is served by one router; it is imported here before the
routers are mounted. Errors are answered in French (:mod:`maillage.api.errors`).
"""

from __future__ import annotations

import importlib

from ninja import NinjaAPI

from . import errors

ROUTER_MODULES = (
    "territory",
    "pending",
    "directory",
    "directory_write",
    "plan",
    "plan_write",
    "analysis",
    "interop",
    "me",
)

api = NinjaAPI(
    title="API Maillage",
    version="1",
    description="Données ouvertes d'une Convention Territoriale Globale : territoires, "
    "structures, services, plan d'action, indicateurs. Lecture libre des données publiées ; "
    "écriture (et lecture des brouillons) avec un jeton personnel "
    "(`Authorization: Bearer mlg_…`, créé par `maillage users token`), selon le rôle du "
    "compte sur le territoire.",
    urls_namespace="api",
)
errors.install(api)

_modules = [importlib.import_module(f"maillage.api.{name}") for name in ROUTER_MODULES]
for _module in _modules:
    if getattr(_module, "router", None) is not None:
        api.add_router(getattr(_module, "PREFIX", f"/{_module.__name__}"), _module.router)
