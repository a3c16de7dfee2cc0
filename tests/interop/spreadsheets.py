"""Build ODS and XLSX files by hand (zipfile + XML strings) for hostile-input tests.

Everything here is an *exemple fictif*: the files are made up by code, as small as an attacker
would send them, with attributes and values a real office suite never writes.
"""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape, quoteattr

ODS_MIME = "application/vnd.oasis.opendocument.spreadsheet"
ODS_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
)
ODS_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
    'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
    f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{ODS_MIME}"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)
XLSX_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
XLSX_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"


def ods_cell(text: str = "", **attrs: str) -> str:
    """A ``table:table-cell``; ``attrs`` use ``_`` for ``-`` (``number_columns_repeated``)."""
    attributes = "".join(
        f" {'office' if k in ('value', 'value_type', 'date_value') else 'table'}:"
        f"{k.replace('_', '-')}={quoteattr(v)}"
        for k, v in attrs.items()
    )
    if "value_type" not in attrs and text:
        attributes = ' office:value-type="string"' + attributes
    body = f"<text:p>{escape(text)}</text:p>" if text else ""
    return f"<table:table-cell{attributes}>{body}</table:table-cell>"


def ods_row(*cells: str, repeat: str | None = None) -> str:
    attr = f" table:number-rows-repeated={quoteattr(repeat)}" if repeat is not None else ""
    return f"<table:table-row{attr}>{''.join(cells)}</table:table-row>"


def ods_bytes(*rows: str, sheet: str = "Journal", prolog: str = "") -> bytes:
    """An ODS whose first sheet holds ``rows`` (XML strings from :func:`ods_row`)."""
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}'
        f'<office:document-content {ODS_NS} office:version="1.3"><office:body>'
        f"<office:spreadsheet><table:table table:name={quoteattr(sheet)}>"
        f"{''.join(rows)}</table:table></office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", ODS_MIME, compress_type=zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", ODS_MANIFEST)
        archive.writestr("content.xml", content)
    return buffer.getvalue()


def xlsx_cell(ref: str | None, value: str | None = None, *, t: str | None = None, s=None) -> str:
    attrs = (f' r="{ref}"' if ref else "") + (f' t="{t}"' if t else "")
    attrs += f' s="{s}"' if s is not None else ""
    if t == "inlineStr":
        return f"<c{attrs}><is><t>{escape(value or '')}</t></is></c>"
    body = f"<v>{escape(value)}</v>" if value is not None else ""
    return f"<c{attrs}>{body}</c>"


def xlsx_row(index: str | int | None, *cells: str) -> str:
    attr = f' r="{index}"' if index is not None else ""
    return f"<row{attr}>{''.join(cells)}</row>"


def xlsx_bytes(
    *rows: str,
    sheet: str = "Journal",
    shared: list[str] | None = None,
    date_style: bool = False,
    dimension: str | None = None,
    date1904: bool = False,
) -> bytes:
    """An XLSX whose first sheet holds ``rows`` (XML strings from :func:`xlsx_row`).

    With ``date_style``, cell style ``s="1"`` is a date format (built-in 14, « jj/mm/aaaa »).
    """
    sheet_xml = (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{XLSX_MAIN}">'
        + (f'<dimension ref="{dimension}"/>' if dimension else "")
        + f"<sheetData>{''.join(rows)}</sheetData></worksheet>"
    )
    rels = [("rId1", "worksheet", "worksheets/sheet1.xml")]
    files = {"xl/worksheets/sheet1.xml": sheet_xml}
    if shared is not None:
        items = "".join(f"<si><t>{escape(s)}</t></si>" for s in shared)
        files["xl/sharedStrings.xml"] = f'<sst xmlns="{XLSX_MAIN}">{items}</sst>'
        rels.append(("rId2", "sharedStrings", "sharedStrings.xml"))
    if date_style:
        files["xl/styles.xml"] = (
            f'<styleSheet xmlns="{XLSX_MAIN}"><fonts count="1"><font><sz val="11"/></font></fonts>'
            '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
            '<borders count="1"><border/></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
            '</cellStyleXfs><cellXfs count="2"><xf numFmtId="0" xfId="0"/>'
            '<xf numFmtId="14" xfId="0" applyNumberFormat="1"/></cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
            "</styleSheet>"
        )
        rels.append(("rId3", "styles", "styles.xml"))
    pr = '<workbookPr date1904="1"/>' if date1904 else ""
    files["xl/workbook.xml"] = (
        f'<workbook xmlns="{XLSX_MAIN}" xmlns:r="{XLSX_REL}">{pr}<sheets>'
        f'<sheet name={quoteattr(sheet)} sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    files["xl/_rels/workbook.xml.rels"] = (
        f'<Relationships xmlns="{PKG_REL}">'
        + "".join(
            f'<Relationship Id="{i}" Type="{XLSX_REL}/{kind}" Target="{target}"/>'
            for i, kind, target in rels
        )
        + "</Relationships>"
    )
    files["_rels/.rels"] = (
        f'<Relationships xmlns="{PKG_REL}"><Relationship Id="rId1" '
        f'Type="{XLSX_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )
    files["[Content_Types].xml"] = (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        + (
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
            if shared is not None
            else ""
        )
        + (
            '<Override PartName="/xl/styles.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            if date_style
            else ""
        )
        + "</Types>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def malformed_workbooks() -> dict[str, tuple[str, bytes]]:
    """The issue's malformed files, by case: (file name, bytes), with a journal-like header."""
    o_header = ods_row(ods_cell("Date"), ods_cell("Type"), ods_cell("Titre"), ods_cell("Axe"))
    x_header = xlsx_row(
        1,
        *(
            xlsx_cell(f"{c}1", v, t="inlineStr")
            for c, v in zip("ABCD", JOURNAL_HEADER, strict=True)
        ),
    )
    date = ods_cell("2025-01-02")
    return {
        "ods-value": (
            "j.ods",
            ods_bytes(o_header, ods_row(date, ods_cell(value_type="float", value="abc"))),
        ),
        "ods-columns-repeated": (
            "j.ods",
            ods_bytes(o_header, ods_row(date, ods_cell("x", number_columns_repeated="abc"))),
        ),
        "ods-rows-repeated": ("j.ods", ods_bytes(o_header, ods_row(date, repeat="-4"))),
        "ods-bomb": (
            "j.ods",
            ods_bytes(
                o_header, *(ods_row(date, ods_cell(str(i)), repeat="50000") for i in range(200))
            ),
        ),
        "xlsx-number": ("j.xlsx", xlsx_bytes(x_header, xlsx_row(2, xlsx_cell("C2", "abc", t="n")))),
        "xlsx-shared": (
            "j.xlsx",
            xlsx_bytes(x_header, xlsx_row(2, xlsx_cell("C2", "9", t="s")), shared=["a"]),
        ),
        "xlsx-date": (
            "j.xlsx",
            xlsx_bytes(x_header, xlsx_row(2, xlsx_cell("A2", "1e20", s=1)), date_style=True),
        ),
    }


JOURNAL_HEADER = ("Date", "Type", "Titre", "Axe")
