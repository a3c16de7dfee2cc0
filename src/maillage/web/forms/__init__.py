"""The site's forms, one module per area (issue 13, item 8): views parse the request with them.

- :mod:`.concurrency` — the version token of optimistic concurrency (ADR 0005), shared;
- :mod:`.accounts` — login, password, structure/service edits, new places, review, invitation;
- :mod:`.network` — working groups, members, meetings, minutes, toolbox;
- :mod:`.directory` — public and professional search, placing a structure;
- :mod:`.diagnostic` — zones page, scenarios (changes, housing projects).

The plan's forms live in :mod:`maillage.web.views.plan_forms`. A service's refusal goes onto a
form with :func:`maillage.web.form_errors.service_errors_to_form`.
"""
