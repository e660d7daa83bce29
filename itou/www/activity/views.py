"""Contract ends (employer, on the hire) and yearly activity reports (employer: its own;
DDETS IAE: the submitted reports of its department's employers)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from itou.activity import exports, services
from itou.activity.models import ActivityReport, ContractEnd
from itou.activity.report import build_report
from itou.companies.models import Company
from itou.control.queries import company_department_expression
from itou.institutions.enums import InstitutionKind
from itou.job_applications.enums import JobApplicationState
from itou.job_applications.models import JobApplication
from itou.organizations.current import Role, get_current_company_or_404
from itou.www.activity.forms import ContractEndForm, ReportForm

FIRST_YEAR = 2021


@login_required
def contract_end(request, pk):
    company = get_current_company_or_404(request)
    job_application = get_object_or_404(
        JobApplication.objects.select_related("job_seeker"),
        pk=pk,
        to_company=company,
        state=JobApplicationState.ACCEPTED,
    )
    existing = ContractEnd.objects.filter(job_application=job_application).first()
    initial = (
        {
            "end_date": existing.end_date,
            "reason": existing.reason,
            "exit_situation": existing.exit_situation,
            "comment": existing.comment,
        }
        if existing
        else {"end_date": job_application.hiring_end_at}
    )
    form = ContractEndForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.declare_contract_end(job_application, **form.cleaned_data, user=request.user)
        except ValidationError as error:
            for message in error.messages:
                form.add_error("end_date", message)
        else:
            messages.success(
                request,
                "Fin de contrat enregistrée. Le PASS IAE de la personne reste valable : elle peut être embauchée "
                "ailleurs.",
            )
            return redirect("applications:detail", pk=job_application.pk)
    return render(
        request,
        "activity/contract_end.html",
        {"job_application": job_application, "form": form, "existing": existing},
    )


def _years():
    return list(range(timezone.localdate().year, FIRST_YEAR - 1, -1))


@login_required
def report_index(request):
    company = get_current_company_or_404(request)
    reports = {r.year: r for r in ActivityReport.objects.filter(company=company)}
    return render(
        request, "activity/report_index.html", {"company": company, "years": [(y, reports.get(y)) for y in _years()]}
    )


def _year_or_404(year):
    if year not in _years():
        raise Http404
    return year


@login_required
def report(request, year):
    company = get_current_company_or_404(request)
    year = _year_or_404(year)
    activity_report = ActivityReport.objects.filter(company=company, year=year).first()
    initial = {name: getattr(activity_report, name) for name in services.FREE_TEXT_FIELDS} if activity_report else {}
    form = ReportForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        submit = request.POST.get("action") == "submit"
        try:
            services.save_report(company, year, data=form.cleaned_data, submit=submit, user=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, "Rapport transmis à la DDETS." if submit else "Rapport enregistré.")
            return redirect("activity:report", year=year)
    context = {"report": build_report(company, year), "activity_report": activity_report, "form": form}
    return render(request, "activity/report.html", context)


def _download(content, content_type, filename):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def report_pdf(request, year):
    company = get_current_company_or_404(request)
    year = _year_or_404(year)
    activity_report = ActivityReport.objects.filter(company=company, year=year).first()
    return _download(
        exports.report_pdf(build_report(company, year), activity_report),
        "application/pdf",
        f"rapport-activite-{year}.pdf",
    )


@login_required
def report_xlsx(request, year):
    company = get_current_company_or_404(request)
    year = _year_or_404(year)
    activity_report = ActivityReport.objects.filter(company=company, year=year).first()
    return _download(
        exports.report_xlsx(build_report(company, year), activity_report),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        f"rapport-activite-{year}.xlsx",
    )


@login_required
def ddets_reports(request, year):
    current = request.current_organization
    if not current or current.role != Role.LABOR_INSPECTOR or current.organization.kind != InstitutionKind.DDETS_IAE:
        raise Http404
    year = _year_or_404(year)
    code = current.organization.department_id
    companies = Company.objects.annotate(department=company_department_expression("")).filter(department=code)
    reports = list(
        ActivityReport.objects.filter(year=year, submitted_at__isnull=False, company__in=companies)
        .select_related("company")
        .order_by("company__name", "pk")
    )
    keys = []
    for r in reports:
        keys += [k for k in r.submitted_figures if k not in keys]
    rows = [
        (key.split(".", 1)[1], key.split(".", 1)[0], [r.submitted_figures.get(key, "—") for r in reports])
        for key in keys
    ]
    return render(
        request, "activity/ddets_reports.html", {"reports": reports, "rows": rows, "year": year, "years": _years()}
    )
