"""Submit a Django admin form as a browser would: every field of the rendered page, as shown."""

from __future__ import annotations

from html.parser import HTMLParser

SKIPPED_INPUTS = {"submit", "button", "file", "image", "reset"}


class _FormFields(HTMLParser):
    """Collect the fields of the form whose id is ``form_id`` (name → list of values)."""

    def __init__(self, form_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.data: dict[str, list[str]] = {}
        self.select: str | None = None
        self.select_multiple = False
        self.select_first: str | None = None
        self.select_chosen: list[str] = []
        self.option: str | None = None
        self.textarea: str | None = None
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v if v is not None else "" for k, v in attrs}
        if tag == "form" and a.get("id") == self.form_id:
            self.inside = True
        if not self.inside or "disabled" in a:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in SKIPPED_INPUTS or (kind in ("checkbox", "radio") and "checked" not in a):
                return
            self.data.setdefault(name, []).append(
                a.get("value", "on" if kind == "checkbox" else "")
            )
        elif tag == "select" and name:
            self.select, self.select_multiple = name, "multiple" in a
            self.select_first, self.select_chosen = None, []
        elif tag == "option" and self.select is not None:
            self.option = a.get("value")
            self.text = []
            if "selected" in a:
                self.select_chosen.append(self.option if self.option is not None else "")
        elif tag == "textarea" and name:
            self.textarea, self.text = name, []

    def handle_data(self, data: str) -> None:
        if self.textarea is not None or self.option is not None:
            self.text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "option" and self.select is not None:
            value = self.option if self.option is not None else "".join(self.text).strip()
            if self.select_first is None:
                self.select_first = value
            self.option = None
        elif tag == "select" and self.select is not None:
            chosen = self.select_chosen
            if not chosen and not self.select_multiple and self.select_first is not None:
                chosen = [self.select_first]  # a browser sends the first option
            if chosen:
                self.data.setdefault(self.select, []).extend(chosen)
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            self.data.setdefault(self.textarea, []).append("".join(self.text).lstrip("\n"))
            self.textarea = None


def admin_form_data(html: str, form_id: str) -> dict[str, list[str]]:
    """The data a browser would post for the form ``form_id`` of ``html``."""
    parser = _FormFields(form_id)
    parser.feed(html)
    assert parser.data, f"formulaire {form_id} introuvable"
    return parser.data
