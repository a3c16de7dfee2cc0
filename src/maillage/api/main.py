"""The REST API (django-ninja, OpenAPI 3 at ``/api/v1/docs``).

Each area adds a ``router`` in its own module of :mod:`maillage.api` (``ROUTER_MODULES``).
"""

from __future__ import annotations

import importlib

from ninja import NinjaAPI

ROUTER_MODULES = ("territory", "directory", "plan", "analysis", "interop")

api = NinjaAPI(
    title="API Maillage",
    version="1",
    description="Données ouvertes d'une Convention Territoriale Globale : territoires, "
    "structures, services, plan d'action, indicateurs.",
    urls_namespace="api",
)

for _name in ROUTER_MODULES:
    _module = importlib.import_module(f"maillage.api.{_name}")
    if getattr(_module, "router", None) is not None:
        api.add_router(getattr(_module, "PREFIX", f"/{_name}"), _module.router)
