"""Services of the diagnostic app (HackSoft style: services write, selectors read).

The scenario functions live in :mod:`maillage.diagnostic.scenarios`; they are exposed here so
that ``maillage.diagnostic.services`` is the one place to look for them:

* :func:`scenario_save` — store a validated scenario (one transaction);
* :func:`scenario_run` — compute a scenario in memory (writes nothing);
* :func:`scenario_compare` — run several scenarios side by side.
"""

from __future__ import annotations

from .scenarios import scenario_compare, scenario_run, scenario_save, spec_from_file

__all__ = ["scenario_compare", "scenario_run", "scenario_save", "spec_from_file"]
