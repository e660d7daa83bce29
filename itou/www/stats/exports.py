"""CSV and XLSX exports: of any table of the pages (the same blocks), and of the
applications list of an institution's territory (columns of the `candidatures` table of
the pilotage data, PILOTAGE.md). CSV streams from a server-side cursor (bounded memory,
first bytes at once); XLSX is written by openpyxl in write-only mode to a temporary file
(bounded memory too) and then streamed."""

import csv
import datetime
import tempfile

from django.db import connections
from django.http import FileResponse, StreamingHttpResponse
from openpyxl import Workbook

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


def xlsx_response(filename: str, header: list, rows) -> FileResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=filename[:31])
    sheet.append(header)
    for row in rows:
        sheet.append([_cell(value) for value in row])
    handle = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it once sent)
    workbook.save(handle)
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=f"{filename}.xlsx", content_type=XLSX_TYPE)


def _cell(value):
    if value is None or isinstance(value, str | int | float | bool | datetime.date):
        return value
    return str(value)  # UUID


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
