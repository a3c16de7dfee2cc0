"""French messages for Click's own texts (« Usage: », « Show this message and exit. », « Error: »…).

Click marks its texts with the standard library's ``gettext`` (default domain). Maillage ships
their French translation as a catalog of its own, ``cli/locale/fr/LC_MESSAGES/click.po`` (compiled
to ``click.mo``, regenerated with ``msgfmt`` when the ``.po`` changes), and the ``maillage``
command selects it: the command speaks French whatever the shell's locale, as its own help does.
"""

from __future__ import annotations

import gettext
import os
from pathlib import Path

DOMAIN = "click"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"


def use_french_messages() -> None:
    """Make Click's texts French in this process (domain ``click``, language ``fr``)."""
    gettext.bindtextdomain(DOMAIN, str(LOCALE_DIR))
    gettext.textdomain(DOMAIN)
    os.environ["LANGUAGE"] = "fr"  # gettext reads it at each lookup; only message catalogs use it
