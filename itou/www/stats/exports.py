"""CSV and XLSX exports: of any table of the pages (the same blocks), and of the
applications list of an institution's territory (columns of the `candidatures` table of
the pilotage data, PILOTAGE.md). CSV streams from a server-side cursor (bounded memory,
first bytes at once); XLSX too: the workbook (a zip of XML files) is written row by row
into a zip stream whose bytes are sent as they come (`stream_xlsx`), read back by openpyxl
in the tests."""

import csv
import datetime
import zipfile
from xml.sax.saxutils import escape

from django.db import connections
from django.http import StreamingHttpResponse

from itou.utils.replica import figures_alias

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class Echo:
    def write(self, value):
        return value


def csv_response(filename: str, header: list, rows) -> StreamingHttpResponse:
    writer = csv.writer(Echo(), delimiter=";")

    def generate():
        yield "\ufeff"  # spreadsheets then read UTF-8
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow(row)

    response = StreamingHttpResponse(generate(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


# --- Streamed XLSX ---------------------------------------------------------------------------
# An XLSX file is a zip of XML parts (ECMA-376). The sheet is written row by row with inline
# strings (no shared-string table to keep in memory); dates get the built-in date format.

XLSX_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="xl/workbook.xml"/>'
        "</Relationships>"
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
        'Target="worksheets/sheet1.xml"/>'
        '<Relationship Id="rId2" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
        "</Relationships>"
    ),
    "xl/styles.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    ),
}
SHEET_START = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
SHEET_END = "</sheetData></worksheet>"
EXCEL_EPOCH = datetime.date(1899, 12, 30)
# Characters XML 1.0 forbids (control characters other than tab and line breaks).
FORBIDDEN = dict.fromkeys([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])


def _workbook_xml(title: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f'<sheets><sheet name="{escape(title, {chr(34): "&quot;"})}" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )


def _xlsx_cell(value) -> str:
    if value is None or value == "":
        return "<c/>"
    if isinstance(value, bool):
        return f'<c t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return f"<c><v>{value!r}</v></c>"
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return f'<c s="1"><v>{(value - EXCEL_EPOCH).days}</v></c>'
    text = escape(str(value).translate(FORBIDDEN))
    return f'<c t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


class _Chunks:
    """A write-only file for zipfile: keeps what is written until the generator takes it."""

    def __init__(self):
        self.parts, self.size = [], 0

    def write(self, data):
        self.parts.append(bytes(data))
        self.size += len(data)
        return len(data)

    def tell(self):
        return self.size

    def flush(self):
        pass

    def take(self) -> bytes:
        data, self.parts = b"".join(self.parts), []
        return data


def stream_xlsx(title: str, header: list, rows, *, rows_per_chunk=500):
    """The bytes of an XLSX workbook of one sheet, yielded as the rows are read: memory holds
    one chunk of rows and zlib's window, whatever the number of rows."""
    out = _Chunks()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in XLSX_PARTS.items():
            archive.writestr(name, text)
        archive.writestr("xl/workbook.xml", _workbook_xml(title))
        yield out.take()
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(SHEET_START.encode())
            lines = ["<row>" + "".join(_xlsx_cell(v) for v in header) + "</row>"]
            for row in rows:
                lines.append("<row>" + "".join(_xlsx_cell(v) for v in row) + "</row>")
                if len(lines) >= rows_per_chunk:
                    sheet.write("".join(lines).encode())
                    lines = []
                    yield out.take()
            sheet.write(("".join(lines) + SHEET_END).encode())
    yield out.take()


def xlsx_response(filename: str, header: list, rows) -> StreamingHttpResponse:
    title = filename.translate(str.maketrans(dict.fromkeys("[]:*?/\\", "-")))[:31]  # what a sheet name allows
    response = StreamingHttpResponse(stream_xlsx(title, header, rows), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def table_response(fmt: str, filename: str, header: list, rows):
    return (xlsx_response if fmt == "xlsx" else csv_response)(filename, header, rows)


# --- Applications of a territory ------------------------------------------------------------

APPLICATION_COLUMNS = [
    "id_candidature",
    "date_candidature",
    "état",
    "origine",
    "origine_détaillée",
    "id_organisation_prescriptrice",
    "nom_organisation_prescriptrice",
    "id_structure",
    "nom_structure",
    "type_structure",
    "siret_structure",
    "département_structure",
    "région_structure",
    "délai_prise_en_compte_jours",
    "délai_de_réponse_jours",
    "motif_de_refus",
    "candidature_refusée_automatiquement",
    "date_traitement",
    "date_début_contrat",
    "date_embauche",
    "présence_de_cv",
    "nombre_fiches_de_poste",
]

APPLICATIONS_SQL = """
SELECT ja.id, (ja.created_at AT TIME ZONE 'Europe/Paris')::date, ja.state,
    CASE ja.sender_kind WHEN 'job_seeker' THEN 'Candidat' WHEN 'employer' THEN 'Employeur'
        ELSE CASE WHEN po.authorization_status = 'VALIDATED' THEN 'Prescripteur habilité' ELSE 'Orienteur' END END,
    CASE ja.sender_kind WHEN 'job_seeker' THEN 'Candidat' WHEN 'employer' THEN 'Employeur ' || c.kind
        ELSE CASE WHEN po.authorization_status = 'VALIDATED' THEN 'Prescripteur habilité ' ELSE 'Orienteur ' END
            || coalesce(po.kind, 'sans organisation') END,
    po.id, po.name, c.id, c.name, c.kind, c.siret, com.department_id, d.region_id,
    (SELECT floor(extract(epoch FROM min(l.timestamp) - ja.created_at) / 86400)::int
        FROM job_applications_jobapplicationtransitionlog l
        WHERE l.job_application_id = ja.id AND l.transition = 'process'),
    (SELECT floor(extract(epoch FROM min(l.timestamp) - ja.created_at) / 86400)::int
        FROM job_applications_jobapplicationtransitionlog l
        WHERE l.job_application_id = ja.id AND l.to_state IN ('accepted', 'refused')),
    ja.refusal_reason, ja.refusal_reason = 'auto', (ja.processed_at AT TIME ZONE 'Europe/Paris')::date,
    ja.hiring_start_at,
    (SELECT (max(l.timestamp) AT TIME ZONE 'Europe/Paris')::date FROM job_applications_jobapplicationtransitionlog l
        WHERE ja.state = 'accepted' AND l.job_application_id = ja.id AND l.to_state = 'accepted'),
    ja.resume <> '',
    (SELECT count(*) FROM job_applications_jobapplication_selected_jobs sj WHERE sj.jobapplication_id = ja.id)
FROM job_applications_jobapplication ja
JOIN companies_company c ON c.id = ja.to_company_id
JOIN geo_commune com ON com.code = c.commune_id
JOIN geo_department d ON d.code = com.department_id
LEFT JOIN prescribers_prescriberorganization po
    ON po.id = ja.sender_prescriber_organization_id AND ja.sender_kind = 'prescriber'
WHERE {where}
ORDER BY ja.created_at, ja.id
"""


def application_rows(departments, *, start, end):
    """The rows, fetched 2 000 at a time from a server-side cursor (of the replica when the
    view reads figures from it: the alias is chosen now, the rows are read while streaming)."""
    return _application_rows(connections[figures_alias()], departments, start=start, end=end)


def _application_rows(connection, departments, *, start, end):
    where = "ja.created_at >= %s::timestamptz AND ja.created_at < %s::timestamptz"
    after = end + datetime.timedelta(days=1)
    params = [f"{start.isoformat()} 00:00:00 Europe/Paris", f"{after.isoformat()} 00:00:00 Europe/Paris"]
    if departments is not None:
        where += " AND com.department_id = ANY(%s)"
        params.append(list(departments))
    with connection.chunked_cursor() as cursor:
        cursor.execute(APPLICATIONS_SQL.format(where=where), params)
        while chunk := cursor.fetchmany(2000):
            yield from chunk
