"""The yearly report as PDF (WeasyPrint, the look of the PASS IAE attestation) and XLSX."""

import io

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation


def report_html(report, activity_report=None) -> str:
    with translation.override("fr"):
        return render_to_string(
            "activity/report_pdf.html",
            {"report": report, "activity_report": activity_report, "today": timezone.localdate()},
        )


def report_pdf(report, activity_report=None) -> bytes:
    from weasyprint import HTML  # heavy import, only when a PDF is asked

    return HTML(string=report_html(report, activity_report), base_url=settings.SITE_URL).write_pdf()


FREE_TEXT_FIELDS = [
    ("support_actions", "Actions d'accompagnement"),
    ("training_actions", "Actions de formation"),
    ("partners", "Partenaires"),
    ("comment", "Commentaire libre"),
]


def report_xlsx(report, activity_report=None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"Rapport {report.year}"
    bold = Font(bold=True)
    sheet.append([f"Rapport d'activité {report.year}"])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([report.company.display_name, f"SIRET {report.company.siret}", report.company.get_kind_display()])
    sheet.append([])
    for section in report.sections:
        sheet.append([section.title])
        sheet.cell(row=sheet.max_row, column=1).font = bold
        for label, value in section.rows:
            sheet.append([label, value])
        if section.note:
            sheet.append([section.note])
        sheet.append([])
    if activity_report:
        sheet.append(["Renseigné par la structure"])
        sheet.cell(row=sheet.max_row, column=1).font = bold
        for name, label in FREE_TEXT_FIELDS:
            sheet.append([label, getattr(activity_report, name)])
    sheet.column_dimensions["A"].width = 60
    sheet.column_dimensions["B"].width = 20
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
