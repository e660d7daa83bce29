import datetime
import io

import time_machine
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from itou.activity import services
from itou.activity.enums import ExitCategory
from itou.activity.models import ActivityReport, ContractEnd
from itou.activity.report import GROUPED_LABEL, SMALL_LABEL, build_report
from itou.activity.signals import contract_ended
from itou.approvals.models import Approval
from itou.job_applications.enums import JobApplicationState
from itou.users.models import JobSeekerProfile
from tests.approvals.factories import member_of
from tests.companies.factories import CompanyFactory
from tests.control.factories import self_prescribed_hire
from tests.institutions.factories import DepartmentFactory, InstitutionFactory, RegionFactory
from tests.job_applications.factories import JobApplicationFactory

NOW = datetime.datetime(2026, 3, 10, 10, tzinfo=datetime.UTC)


def _hire(company, start, *, birthdate=None, nir_sex=None):
    ja = self_prescribed_hire(company, start=start)
    profile, _ = JobSeekerProfile.objects.get_or_create(user=ja.job_seeker)
    if birthdate:
        profile.birthdate = birthdate
    profile.save()
    return ja


@time_machine.travel(NOW, tick=False)
def test_contract_end_declared_on_the_hire(client, django_capture_on_commit_callbacks):
    company = CompanyFactory(with_member=True)
    ja = _hire(company, datetime.date(2025, 3, 3))
    client.force_login(member_of(company))
    detail = client.get(reverse("applications:detail", args=[ja.pk]))
    assert "Déclarer la fin du contrat" in detail.text
    url = reverse("activity:contract_end", args=[ja.pk])
    received = []

    def listener(sender, contract_end, created, **kwargs):
        received.append((contract_end.pk, created))

    contract_ended.connect(listener)
    try:
        response = client.post(url, {"end_date": "2025-01-01", "reason": "NO_NEWS", "exit_situation": "NO_NEWS"})
        assert "ne peut pas précéder son début" in response.text
        assert not ContractEnd.objects.exists()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                url, {"end_date": "2025-11-30", "reason": "EARLY_END_EMPLOYEE", "exit_situation": "PERMANENT_CONTRACT"}
            )
        assert response.status_code == 302
    finally:
        contract_ended.disconnect(listener)
    end = ContractEnd.objects.get()
    assert end.exit_category == ExitCategory.DURABLE
    assert received == [(end.pk, True)]
    # The PASS IAE is not ended.
    approval = Approval.objects.get(job_seeker=ja.job_seeker)
    assert approval.end_at > datetime.date(2026, 3, 10) and approval.cancelled_at is None
    detail = client.get(reverse("applications:detail", args=[ja.pk]))
    assert "Emploi durable" in detail.text


def test_contract_end_permissions(client):
    company = CompanyFactory(with_member=True)
    ja = self_prescribed_hire(company)
    other = CompanyFactory(with_member=True)
    client.force_login(member_of(other))
    assert client.get(reverse("activity:contract_end", args=[ja.pk])).status_code == 404
    # Not a hire.
    pending = JobApplicationFactory(to_company=company)
    client.force_login(member_of(company))
    assert client.get(reverse("activity:contract_end", args=[pending.pk])).status_code == 404
    client.logout()
    assert client.get(reverse("activity:contract_end", args=[ja.pk])).status_code == 302


@time_machine.travel(NOW, tick=False)
def test_report_figures_small_counts_and_exports(client):
    company = CompanyFactory(with_member=True)
    hires = [
        _hire(company, datetime.date(2025, 2, 1) + datetime.timedelta(days=i), birthdate=datetime.date(1990, 1, 1))
        for i in range(6)
    ]
    _hire(company, datetime.date(2025, 5, 1), birthdate=datetime.date(2004, 1, 1))  # one young person
    services.declare_contract_end(
        hires[0], end_date=datetime.date(2025, 8, 1), reason="CONTRACT_TERM", exit_situation="TRAINING", user=None
    )
    JobApplicationFactory(to_company=company, state=JobApplicationState.REFUSED, created_at=NOW.replace(year=2025))
    report = build_report(company, 2025)
    assert report.hires == 7 and report.employed == 7
    assert dict(report.section("age").rows) == {"26 à 49 ans": 6, GROUPED_LABEL: SMALL_LABEL}
    assert dict(report.section("criteres").rows) == {"Au moins un critère de niveau 1": 7}
    durations = dict(report.section("durees").rows)
    assert durations["Contrats terminés"] == 1 and durations[GROUPED_LABEL] == SMALL_LABEL
    assert dict(report.section("pass").rows)["PASS IAE délivrés pour une embauche de l'année"] == 7

    client.force_login(member_of(company))
    response = client.post(
        reverse("activity:report", args=[2025]), {"support_actions": "Ateliers CV", "action": "submit"}, follow=True
    )
    assert "Rapport transmis à la DDETS." in response.text
    saved = ActivityReport.objects.get()
    assert saved.submitted_figures["effectifs.Embauches dans l'année"] == 7
    pdf = client.get(reverse("activity:report_pdf", args=[2025]))
    assert pdf["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Rapport d'activité 2025" in text and "Ateliers CV" in text
    xlsx = client.get(reverse("activity:report_xlsx", args=[2025]))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row and row[0]}
    assert values["Embauches dans l'année"] == 7
    assert values["26 à 49 ans"] == 6


@time_machine.travel(NOW, tick=False)
def test_year_without_hire_is_a_clear_empty_report(client):
    company = CompanyFactory(with_member=True)
    client.force_login(member_of(company))
    response = client.get(reverse("activity:report", args=[2024]))
    assert "Aucune embauche en 2024" in response.text
    report = build_report(company, 2024)
    assert report.is_empty and report.hires == 0
    pdf = client.get(reverse("activity:report_pdf", args=[2024]))
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Aucune embauche" in text
    assert client.get(reverse("activity:report", args=[2030])).status_code == 404


@time_machine.travel(NOW, tick=False)
def test_ddets_sees_submitted_reports_of_its_department_only(client):
    ddets = InstitutionFactory(with_member=True)
    nord = InstitutionFactory(
        with_member=True,
        department=DepartmentFactory(code="59", name="Nord", region=RegionFactory(code="32", name="Hauts-de-France")),
    )
    a = CompanyFactory(with_member=True, post_code="69001", name="Alpha")
    b = CompanyFactory(with_member=True, post_code="69002", name="Bravo")
    c = CompanyFactory(with_member=True, post_code="59000", name="Charlie")
    _hire(a, datetime.date(2025, 4, 1))
    for company in (a, b, c):
        services.save_report(company, 2025, data={}, submit=True, user=None)
    services.save_report(
        CompanyFactory(with_member=True, post_code="69003", name="Delta"), 2025, data={}, submit=False, user=None
    )
    client.force_login(member_of(ddets))
    response = client.get(reverse("activity:ddets_reports", args=[2025]))
    assert "Alpha" in response.text and "Bravo" in response.text
    assert "Charlie" not in response.text and "Delta" not in response.text
    client.force_login(member_of(nord))
    assert "Charlie" in client.get(reverse("activity:ddets_reports", args=[2025])).text
    client.force_login(member_of(a))
    assert client.get(reverse("activity:ddets_reports", args=[2025])).status_code == 404


def test_report_pages_need_an_employer(client):
    for name in ("activity:report", "activity:report_pdf", "activity:report_xlsx"):
        url = reverse(name, args=[2025])
        response = client.get(url)
        assert response.status_code == 302 and "/comptes/" in response["Location"]
    client.force_login(member_of(InstitutionFactory(with_member=True)))
    for name in ("activity:report", "activity:report_pdf", "activity:report_xlsx"):
        assert client.get(reverse(name, args=[2025])).status_code == 404
    client.logout()
    assert client.get(reverse("activity:ddets_reports", args=[2025])).status_code == 302
