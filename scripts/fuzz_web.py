#!/usr/bin/env python
"""Fuzz every URL of the web site (not the API: scripts/fuzz_api.sh) and fail on any 5xx.

Walks Django's URL resolver, fills each path parameter with a valid value taken from the
embedded Armentières data (and from a few objects made up here, labelled *exemple fictif*) and
with hostile values (huge, negative, non-numeric, unicode, overlong, « ../ »), then sends each
view's query parameters (found in the view's module source, its GET forms and the links and GET
forms of the pages it renders) with hostile values (huge numbers, floats, repeated, empty,
unicode, NUL, overlong), as an anonymous visitor, a partner, a coordinator and the site
administrator. Requests go through Django's test client, on a throwaway SQLite database: no
server, no network.

Deterministic and breadth first: every URL gets its first request before any gets its
second, so a budget (``--max-requests``, ``--seconds``) cuts depth, not coverage. Prints the
requests sent and the status counts; exits 1 on any 5xx (with the first tracebacks), else 0.

Usage: .venv/bin/python scripts/fuzz_web.py [--max-requests N] [--seconds S]
"""

from __future__ import annotations

import argparse
import inspect
import itertools
import os
import re
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

HUGE = "99999999999999999999999"
# Values for a path segment: each replaces one valid value in turn.
HOSTILE_PATH = [
    HUGE,
    "9223372036854775808",  # 2**63
    "-1",
    "0",
    "abc",
    "²",
    "é١٢",
    "%00",
    "a" * 600,
    "..%2F..%2Fetc%2Fpasswd",
    "1.5",
]
# Values for a query parameter; a list means the parameter is repeated.
HOSTILE_QUERY: list[str | list[str]] = [
    HUGE,
    "²",
    "abc",
    "-99999999999999999999",
    "1.5",
    "1e308",
    "nan",
    "",
    "\x00",
    "x" * 5000,
    [HUGE, "abc"],
    "é\u202e<script>alert(1)</script>",
    "../../etc/passwd",
    "-1",
]
# Parameter names tried on every page besides those found for its view.
COMMON_PARAMS = ["page", "format", "q", "next"]
# The segment before an id names its model (web routes); admin routes use app/model.
SEGMENT_MODELS = {
    "utilisateurs": "accounts.membership",
    "structures": "directory.structure",
    "services": "directory.service",
    "propositions": "accounts.pendingchange",
    "restaurer": "accounts.changerecord",
    "groupes": "network.workinggroup",
    "membres": "network.groupmember",
    "reunions": "network.meeting",
    "boite-a-outils": "network.toolboxitem",
    "indicateurs": "plan.indicator",
    "journal": "plan.activity",
    "pieces-jointes": "plan.activityattachment",
    "echeancier": "plan.milestone",
    "scenarios": "diagnostic.scenario",
}
STR_SAMPLES = {
    "fmt": ["pdf", "docx", "xlsx", "csv", "ods", "json", "geojson", "svg"],
    "content_type": ["directory.structure"],
    "object_id": [],  # filled from the structure sample
    "token": ["exemple-fictif-jeton"],
    "uidb64": ["MQ"],
    "app_label": ["directory", "plan", "accounts"],
}
SKIPPED_PREFIXES = ("api/",)  # fuzzed from its schema by scripts/fuzz_api.sh
SLOW_SECONDS = 0.5  # a (role, URL) slower than this on average gets ...
SLOW_CAP = 4  # ... at most this many requests
ROUTE_SHARE = 1 / 25  # and no URL pattern takes more than this share of the time budget


@dataclass
class Route:
    """One URL pattern: its route with ``<conv:name>`` placeholders, its view, its names."""

    route: str
    callback: Any
    params: list[tuple[str, str]]  # (converter, name)
    admin: bool


@dataclass
class Report:
    routes: int = 0
    requests: int = 0
    statuses: Counter = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    covered: set = field(default_factory=set)
    timing: Counter = field(default_factory=Counter)  # route → seconds spent
    only_405: dict = field(default_factory=dict)  # route → every answer so far was 405
    by_route: Counter = field(default_factory=Counter)  # (route, status) → requests

    def slowest(self, n: int = 5) -> str:
        return ", ".join(f"/{route} {spent:.1f} s" for route, spent in self.timing.most_common(n))

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500)

    def summary(self) -> str:
        counts = ", ".join(f"{s} × {n}" for s, n in sorted(self.statuses.items()))
        return (
            f"{self.requests} requêtes sur {len(self.covered)}/{self.routes} motifs d'URL "
            f"en {self.seconds:.1f} s — statuts : {counts} — erreurs serveur (5xx) : "
            f"{self.server_errors}"
        )


# --------------------------------------------------------------------------- routes


_PLACEHOLDER = re.compile(r"<(?:(?P<conv>[^>:]+):)?(?P<name>[^>]+)>")


def _regex_to_route(regex: str) -> str | None:
    """A simple regex pattern (admin's app list) as a route; ``None`` when not simple."""
    text = regex.lstrip("^").rstrip("$").replace("\\Z", "")
    text = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<str:\1>", text)
    return None if re.search(r"[\\()\[\]|?*+]", text) else text


def routes() -> list[Route]:
    """Every URL pattern of the site, flattened (includes resolved)."""
    from django.urls import URLPattern, URLResolver, get_resolver
    from django.urls.resolvers import RegexPattern

    found: list[Route] = []

    def walk(patterns: list[Any], prefix: str) -> None:
        for p in patterns:
            if isinstance(p.pattern, RegexPattern):
                part = _regex_to_route(str(p.pattern.regex.pattern))
                if part is None:
                    continue
            else:
                part = str(p.pattern)
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + part)
            elif isinstance(p, URLPattern):
                route = prefix + part
                if route.startswith(SKIPPED_PREFIXES):
                    continue
                params = [
                    (m.group("conv") or "str", m.group("name"))
                    for m in _PLACEHOLDER.finditer(route)
                ]
                found.append(Route(route, p.callback, params, route.startswith("admin/")))

    walk(get_resolver().url_patterns, "")
    return found


def _view_module(callback: Any) -> Any:
    target = getattr(callback, "view_class", None) or inspect.unwrap(callback)
    return inspect.getmodule(target)


_GET_NAME = re.compile(r"""GET\.get(?:list)?\(\s*["']([\w.-]+)["']""")
_GET_FORM = re.compile(r"([\w.]+)\(\s*(?:data=)?request\.GET")
_MODULE_PARAMS: dict[str, list[str]] = {}


def query_names(route: Route) -> list[str]:
    """Query parameters a view reads: ``request.GET.get("x")`` in its module, and the fields
    of the forms its module binds to ``request.GET``."""
    module = _view_module(route.callback)
    if module is None or module.__name__.startswith("django."):
        return list(COMMON_PARAMS)
    if module.__name__ not in _MODULE_PARAMS:
        source = inspect.getsource(module)
        names = set(_GET_NAME.findall(source))
        for dotted in _GET_FORM.findall(source):
            target: Any = module
            for part in dotted.split("."):
                target = getattr(target, part, None)
            names |= set(getattr(target, "base_fields", {}))
        _MODULE_PARAMS[module.__name__] = sorted(names)
    return sorted(set(_MODULE_PARAMS[module.__name__]) | set(COMMON_PARAMS))


# --------------------------------------------------------------------------- samples


class _Harvest(HTMLParser):
    """Same-site links and the field names of GET forms of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.fields: set[str] = set()
        self._get_form = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "a" and (a.get("href") or "").startswith("/"):
            self.links.append(a["href"] or "")
        elif tag == "form":
            self._get_form = (a.get("method") or "get").lower() == "get"
        elif tag in ("input", "select", "textarea") and self._get_form and a.get("name"):
            self.fields.add(a["name"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._get_form = False


@dataclass
class Samples:
    """Valid values per path parameter, and known query parameters and values per route."""

    slug: str
    ids: dict[str, int]  # model label → a valid pk
    extra: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # route → param → vals
    query: dict[str, dict[str, set[str]]] = field(default_factory=dict)  # route → name → vals


def samples_from_database(slug: str = "armentieres") -> Samples:
    from django.apps import apps

    ids = {}
    for label in set(SEGMENT_MODELS.values()):
        model = apps.get_model(label)
        pk = model._default_manager.order_by("pk").values_list("pk", flat=True).first()
        if pk is not None:
            ids[label] = pk
    return Samples(slug=slug, ids=ids)


def _valid(route: Route, conv: str, name: str, samples: Samples) -> str | None:
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType

    extra = samples.extra.get(route.route, {}).get(name)
    if extra:
        return extra[0]
    if conv == "slug" and name == "slug":
        return samples.slug
    before = route.route.split(f"<{conv}:{name}>", 1)[0].rstrip("/").split("/")
    if route.admin and name in ("object_id", "pk") and len(before) >= 3:
        try:
            model = apps.get_model(before[-2], before[-1])
        except (LookupError, ValueError):
            model = None
        if model is not None:
            pk = model._default_manager.order_by("pk").values_list("pk", flat=True).first()
            return "1" if pk is None else str(pk)  # none: the admin says so (redirection)
    if route.admin and name == "content_type_id":
        return str(ContentType.objects.get_for_model(apps.get_model("directory.structure")).pk)
    if conv in ("int", "id") or name == "object_id":
        label = SEGMENT_MODELS.get(before[-1]) if name != "object_id" else "directory.structure"
        if route.admin and name == "object_id":
            label = "directory.structure"
        return str(samples.ids[label]) if label in samples.ids else "1"
    if name in STR_SAMPLES and STR_SAMPLES[name]:
        return STR_SAMPLES[name][0]
    return "exemple"


def _build(route: Route, values: dict[str, str]) -> str:
    def sub(match: re.Match) -> str:
        value = values[match.group("name")]
        return value if "%" in value else quote(value, safe="/.")

    return "/" + _PLACEHOLDER.sub(sub, route.route)


# --------------------------------------------------------------------------- requests


def _candidates(route: Route, samples: Samples) -> Iterator[str]:
    """The URLs to try for one route, most telling first: the valid one; then, round by round,
    one hostile value in each path parameter and one in each query parameter its view reads;
    then the parameters every page gets (``page``, ``format``…), another territory's slug, the
    query values seen in links, and every parameter at once with each hostile value."""
    valid = {name: _valid(route, conv, name, samples) for conv, name in route.params}
    if any(v is None for v in valid.values()):
        return
    base = _build(route, valid)  # type: ignore[arg-type]
    yield base

    def with_path(name: str, value: str) -> str:
        return _build(route, valid | {name: value})  # type: ignore[operator]

    def with_query(query: dict[str, Any]) -> str:
        return f"{base}?{urlencode(query, doseq=True)}"

    known = samples.query.get(route.route, {})
    names = sorted((set(query_names(route)) | set(known)) - set(COMMON_PARAMS))
    params = [name for conv, name in route.params if not (conv == "slug" and name == "slug")]
    for path_value, query_value in itertools.zip_longest(HOSTILE_PATH, HOSTILE_QUERY):
        for name in params if path_value is not None else ():
            yield with_path(name, path_value)
        for name in names if query_value is not None else ():
            yield with_query({name: query_value})
    for value in HOSTILE_QUERY:
        for name in COMMON_PARAMS:
            yield with_query({name: value})
    if len(params) < len(route.params):
        for value in ("abc", "é١٢", "%00"):  # another territory's slug is a 404 like any other
            yield with_path("slug", value)
    for name in sorted(known):
        for value in sorted(known[name]):
            yield with_query({name: value})
    for value in HOSTILE_QUERY:
        yield with_query(dict.fromkeys(names + COMMON_PARAMS, value))


def _send(client: Any, url: str) -> tuple[int, str | None, Any]:
    try:
        response = client.get(url)
    except Exception:  # noqa: BLE001 — the test client re-raises the view's exception
        return 500, traceback.format_exc(limit=-6), None
    if getattr(response, "streaming", False):
        response.close()
    return response.status_code, None, response


def _harvest(route: Route, response: Any, samples: Samples) -> None:
    """Learn valid path values and query parameters from the links of a rendered page."""
    from django.urls import Resolver404, resolve

    if response is None or response.status_code != 200 or getattr(response, "streaming", False):
        return
    if "html" not in response.get("Content-Type", ""):
        return
    parser = _Harvest()
    parser.feed(response.content.decode("utf-8", "replace"))
    own = samples.query.setdefault(route.route, {})
    for name in parser.fields:
        own.setdefault(name, set())
    for href in parser.links[:300]:
        parts = urlsplit(href)
        try:
            match = resolve(parts.path)
        except Resolver404:
            continue
        target = match.route
        params = samples.query.setdefault(target, {})
        for key, value in parse_qsl(parts.query, keep_blank_values=True)[:20]:
            if len(params.setdefault(key, set())) < 3:
                params[key].add(value)
        extra = samples.extra.setdefault(target, {})
        for key, value in match.kwargs.items():
            if len(extra.setdefault(key, [])) < 3 and str(value) not in extra[key]:
                extra[key].append(str(value))


def fuzz(
    *,
    clients: dict[str, Any],
    samples: Samples,
    max_requests: int = 5000,
    seconds: float = 110.0,
    per_route: int | None = None,
    only: str | None = None,
    log: Any = None,
) -> Report:
    """Send the candidates of every (role, route), breadth first, within the budget."""
    found = [r for r in routes() if not only or re.search(only, r.route)]
    report = Report(routes=len(found))
    start = time.monotonic()
    # A first pass as the coordinator learns links, formats and query parameters.
    crawler = clients.get("coordination") or next(iter(clients.values()))
    for route in found:
        url = next(_candidates(route, samples), None)
        if url is None or route.admin:
            continue
        t0 = time.monotonic()
        status, error, response = _send(crawler, url)
        report.timing[route.route] += time.monotonic() - t0
        _harvest(route, response, samples)
        _count(report, route, "coordination", url, status, error)
        if time.monotonic() - start > seconds / 4:
            break
    # Then one stream per route: its valid URL as every role, each hostile URL as the next
    # role in turn (admin pages: the administrator; others get one redirection to its login).
    streams = []
    for route in found:
        roles = [r for r in clients if not route.admin or r in ("anonyme", "admin")]
        urls = _candidates(route, samples)
        first = next(urls, None)
        if first is None:
            continue
        hostile_roles = ["admin"] if route.admin else roles
        if not set(hostile_roles) <= set(clients):
            hostile_roles = roles
        pairs: Iterator[tuple[str, str]] = itertools.chain(
            [(r, first) for r in roles], zip(itertools.cycle(hostile_roles), urls)
        )
        if per_route is not None:
            pairs = itertools.islice(pairs, per_route)
        streams.append([route, pairs, 0, 0.0, len(roles)])
    for round_number in itertools.count():
        if not streams or report.requests >= max_requests:
            break
        for stream in list(streams):
            route, pairs, sent, spent, n_roles = stream
            if route.admin and sent > n_roles and round_number % 8:
                continue  # Django's admin pages (three quarters of the patterns): 1 round in 8
            too_slow = sent >= SLOW_CAP and spent / sent > SLOW_SECONDS
            # A POST-only view refuses a GET before reading anything: its first round is enough.
            post_only = sent >= n_roles and report.only_405.get(route.route, False)
            over_budget = report.timing[route.route] > seconds * ROUTE_SHARE
            if sent >= 2 and (too_slow or post_only or over_budget):
                streams.remove(stream)
                continue
            pair = next(pairs, None)
            if pair is None:
                streams.remove(stream)
                continue
            role, url = pair
            t0 = time.monotonic()
            status, error, _response = _send(clients[role], url)
            stream[2], stream[3] = sent + 1, spent + time.monotonic() - t0
            report.timing[route.route] += time.monotonic() - t0
            _count(report, route, role, url, status, error)
            if report.requests >= max_requests or time.monotonic() - start > seconds:
                streams = []
                break
            if log and report.requests % 1000 == 0:
                log(f"… {report.requests} requêtes")
    report.seconds = time.monotonic() - start
    return report


def _count(report: Report, route: Route, role: str, url: str, status: int, error: Any) -> None:
    report.requests += 1
    report.statuses[status] += 1
    report.covered.add(route.route)
    report.only_405[route.route] = report.only_405.get(route.route, True) and status == 405
    report.by_route[(route.route, status)] += 1
    if status >= 500 and len(report.errors) < 20:
        report.errors.append(f"[{role}] GET {url[:300]} → {status}\n{error or ''}")


# --------------------------------------------------------------------------- setup


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def prepare(slug: str = "armentieres") -> dict[str, Any]:
    """Users of each role and one object of each kind the Armentières dataset lacks (a journal
    entry with an attachment, a toolbox document, a working group with a member and a meeting,
    a scenario, a partner's proposal), all labelled *exemple fictif*. Returns logged-in clients
    by role."""
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client
    from django.utils import timezone

    from maillage.accounts.services import membership_set, propose_change
    from maillage.diagnostic.services import scenario_create
    from maillage.directory.models import Structure
    from maillage.network import services as network
    from maillage.plan.services import activity_record
    from maillage.territory.models import Territory, Zone

    territory = Territory.objects.get(slug=slug)
    users = get_user_model().objects
    coordinator = users.create_user(username="fuzz-coordination@example.org")
    membership_set(user=coordinator, territory=territory, role="coordinator")
    structure = (
        Structure.objects.filter(territory=territory, published=True, organisation__isnull=False)
        .order_by("pk")
        .first()
    )
    partner = users.create_user(username="fuzz-partenaire@example.org")
    membership_set(
        user=partner, territory=territory, role="partner", organisation=structure.organisation
    )
    admin = users.create_user(username="fuzz-admin@example.org", is_staff=True, is_superuser=True)
    today = timezone.localdate()
    year = min(max(today.year, territory.period_start), territory.period_end)
    activity_record(
        territory=territory,
        date=dt.date(year, 6, 15),
        kind="groupe de travail",
        title="Réunion (exemple fictif)",
        axes=[1],
        attachments=[SimpleUploadedFile("compte-rendu.pdf", PDF)],
        is_fictional=True,
    )
    network.toolbox_add(
        territory=territory,
        user=coordinator,
        title="Guide (exemple fictif)",
        description="",
        audience="parents",
        theme="petite-enfance",
        data=PDF,
        filename="guide.pdf",
    )
    group = network.group_create(
        territory=territory,
        name="Groupe (exemple fictif)",
        kind="groupe de travail",
        user=coordinator,
    )
    network.member_add(
        group=group,
        name="Membre exemple fictif",
        user=coordinator,
        organisation=structure.organisation,
    )
    starts = timezone.now() + dt.timedelta(days=7)
    network.meeting_save(
        group=group,
        user=coordinator,
        title="Réunion (exemple fictif)",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
    )
    creche = {
        "action": "add",
        "name": "Crèche (exemple fictif)",
        "typology": "eaje-creche-collective",
        "places": 30,
        "zone": Zone.objects.filter(kind="iris").order_by("code").values_list("code", flat=True)[0],
    }
    for n in (1, 2):  # two, for the comparison page
        scenario_create(
            territory=territory,
            name=f"Scénario {n} (exemple fictif)",
            changes=[creche],
            author=coordinator,
        )
    propose_change(obj=structure, user=partner, fields={"note": "Proposition (exemple fictif)."})
    clients = {"anonyme": Client()}
    for role, user in (("partenaire", partner), ("coordination", coordinator), ("admin", admin)):
        clients[role] = Client()
        clients[role].force_login(user)
    return clients


def _setup_django(var_dir: str, database_url: str = "") -> None:
    os.environ["MAILLAGE_VAR_DIR"] = var_dir
    os.environ["MAILLAGE_ENV"] = "development"
    if database_url:  # an empty, throwaway database (CI: PostgreSQL)
        os.environ["MAILLAGE_DATABASE_URL"] = database_url
    else:  # SQLite in the throwaway folder
        os.environ.pop("MAILLAGE_DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maillage.settings")
    import django

    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()  # e-mails kept in memory, « testserver » allowed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--max-requests", type=int, default=6000)
    parser.add_argument("--seconds", type=float, default=100.0, help="budget of the fuzzing")
    parser.add_argument("--only", help="motifs d'URL retenus (expression rationnelle)")
    parser.add_argument(
        "--database-url",
        default="",
        help="base vide et jetable à utiliser (ex. postgres://…) ; par défaut SQLite temporaire",
    )
    args = parser.parse_args(argv)
    t0 = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="maillage-fuzz-web-") as var_dir:
        _setup_django(var_dir, args.database_url)
        import logging

        from django.core.management import call_command

        from maillage.territory.loader import load_dataset

        logging.disable(logging.CRITICAL)  # 4xx/5xx are counted, not logged one by one
        call_command("migrate", verbosity=0)
        load_dataset("armentieres")
        clients = prepare()
        print(f"== Base jetable prête en {time.monotonic() - t0:.0f} s ({var_dir})", flush=True)
        report = fuzz(
            clients=clients,
            samples=samples_from_database(),
            max_requests=args.max_requests,
            seconds=args.seconds,
            only=args.only,
            log=lambda text: print(text, flush=True),
        )
    print(f"== {report.summary()} (rôles : {', '.join(clients)})")
    print(f"== Motifs les plus lents : {report.slowest()}")
    for error in report.errors:
        print(error, file=sys.stderr)
    return 1 if report.server_errors else 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    sys.exit(main())
