"""SVG drawn by matplotlib, made quiet for WeasyPrint.

matplotlib writes an SVG element's paint as a ``style`` attribute (``style="fill: none;
stroke: #000"``). Inlined in the HTML of a PDF, WeasyPrint reads every ``style`` attribute with
its HTML stylesheet engine, which knows no SVG property: one « Ignored `fill: none` …, unknown
property » log line per declaration (400 to 600 per bilan). The same paint written as SVG
presentation attributes (``fill="none" stroke="#000"``) is what the SVG renderer reads, and the
HTML engine never sees it. Properties HTML knows (``font``, ``opacity``…) stay in ``style``.
"""

from __future__ import annotations

import re

# SVG-only properties (SVG 1.1 presentation attributes) that matplotlib writes in ``style``.
SVG_ONLY = frozenset(
    {
        "fill",
        "fill-opacity",
        "fill-rule",
        "stroke",
        "stroke-width",
        "stroke-linecap",
        "stroke-linejoin",
        "stroke-miterlimit",
        "stroke-dasharray",
        "stroke-dashoffset",
        "stroke-opacity",
        "text-anchor",
        "dominant-baseline",
        "alignment-baseline",
        "clip-rule",
        "stop-color",
        "stop-opacity",
        "shape-rendering",
    }
)
_TAG = re.compile(r"<[a-zA-Z][^<>]*\bstyle=\"[^\"]*\"[^<>]*>")
_STYLE = re.compile(r'\sstyle="([^"]*)"')


def _attribute_re(name: str) -> re.Pattern[str]:
    return re.compile(rf'\s{re.escape(name)}="[^"]*"')


def _rewrite(tag: str) -> str:
    match = _STYLE.search(tag)
    if match is None:  # pragma: no cover - _TAG only matches tags with a style
        return tag
    kept, moved = [], []
    for declaration in match.group(1).split(";"):
        name, sep, value = declaration.partition(":")
        name, value = name.strip().lower(), value.strip()
        if not sep or not name:
            continue
        if name in SVG_ONLY:
            moved.append((name, value))
        else:
            kept.append(f"{name}: {value}")
    style = f' style="{"; ".join(kept)}"' if kept else ""
    tag = tag[: match.start()] + style + tag[match.end() :]
    for name, _value in moved:  # the style wins over an attribute of the same name (CSS rule)
        tag = _attribute_re(name).sub("", tag)
    end = len(tag) - (2 if tag.endswith("/>") else 1)
    extra = "".join(f' {name}="{value}"' for name, value in moved)  # already escaped
    return tag[:end] + extra + tag[end:]


def presentation_attributes(svg: str) -> str:
    """``svg`` with the SVG-only declarations of its ``style`` attributes as attributes."""
    return _TAG.sub(lambda m: _rewrite(m.group(0)), svg)
