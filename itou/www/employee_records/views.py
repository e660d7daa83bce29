"""Employer screens of employee records: the list, the 5-step form, disable / enable.

Every view loads the current company (`get_current_company_or_404`), then the record by a
query limited to that company: another company's record is a 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from itou.approvals.models import ApprovalHire
from itou.employee_records import display, services
from itou.employee_records.completeness import missing_fields
from itou.employee_records.enums import Status
from itou.employee_records.models import EmployeeRecord
from itou.employee_records.serializers import asp_date
from itou.organizations.current import get_current_company_or_404
from itou.www.employee_records import forms

PAGE_SIZE = 20
STEPS = [
    (1, "État civil"),
    (2, "Domiciliation"),
    (3, "Situation avant l'embauche"),
    (4, "Annexe financière"),
    (5, "Validation"),
]


def _company(request):
    company = get_current_company_or_404(request)
    if not services.has_convention(company):
        raise Http404(services.NO_CONVENTION_MESSAGE)
    return company


def _record(company, pk):
    return get_object_or_404(
        EmployeeRecord.objects.for_company(company).select_related(
            "approval", "job_application__job_seeker", "birth_country", "company__parent"
        ),
        pk=pk,
    )


def _errors(request, error: ValidationError):
    for message in error.messages:
        messages.error(request, message)


@login_required
def record_list(request):
    company = _company(request)
    form = forms.ListFilterForm(request.GET or None)
    status = query = ""
    if form.is_valid():
        status, query = form.cleaned_data["status"], form.cleaned_data["q"].strip()
    counters = services.counters(company)
    hires = services.hires_without_record(company) if status in ("", "TO_CREATE") else ApprovalHire.objects.none()
    records = EmployeeRecord.objects.for_company(company).for_list().exclude(status=Status.ARCHIVED)
    if status and status != "TO_CREATE":
        records = records.filter(status=status)
    elif status == "TO_CREATE":
        records = records.none()
    if query:
        number = query.replace(" ", "").upper()
        name_filter = Q(job_application__job_seeker__last_name__icontains=query) | Q(
            job_application__job_seeker__first_name__icontains=query
        )
        records = records.filter(name_filter | Q(approval_number__icontains=number))
        hires = hires.filter(
            Q(job_application__job_seeker__last_name__icontains=query)
            | Q(job_application__job_seeker__first_name__icontains=query)
            | Q(approval__number__icontains=number)
        )
    page = Paginator(records.order_by("-updated_at", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "record": record,
            "badge": display.STATUS_BADGES.get(record.status, ""),
            "rejection": display.rejection(record.asp_code, record.asp_label)
            if record.status == Status.REJECTED
            else None,
        }
        for record in page.object_list
    ]
    siret_changed = [
        row["record"]
        for row in rows
        if row["record"].status == Status.PROCESSED and row["record"].asp_siret != services.asp_company(company).siret
    ]
    return render(
        request,
        "employee_records/list.html",
        {
            "company": company,
            "form": form,
            "page": page,
            "rows": rows,
            "hires": list(hires[:50]),
            "counters": counters,
            "siret_changed": siret_changed,
            "status_counts": [
                (value, label, counters["by_status"].get(value, 0))
                for value, label in forms.ListFilterForm.STATUS_CHOICES
                if value and value != "TO_CREATE"
            ],
        },
    )


@login_required
@require_POST
def create(request, hire_pk: int):
    company = _company(request)
    hire = get_object_or_404(services.hires_without_record(company), pk=hire_pk)
    try:
        record = services.employee_record_create(acting_user=request.user, company=company, hire=hire)
    except ValidationError as error:
        _errors(request, error)
        return redirect("employee_records:list")
    except PermissionDenied:
        raise Http404
    messages.success(request, "La fiche salarié est créée avec ce que la plateforme sait déjà : vérifiez et complétez.")
    return redirect("employee_records:step", pk=record.pk, step=1)


STEP_FORMS = {1: forms.IdentityForm, 2: forms.AddressForm, 3: forms.SituationForm, 4: forms.FinancialAnnexForm}


def _build_form(step, record, company, data=None):
    if step == 1:
        return forms.IdentityForm(data, company=company, initial=forms.IdentityForm.initial_for(record))
    if step == 2:
        return forms.AddressForm(data, initial=forms.AddressForm.initial_for(record))
    if step == 3:
        return forms.SituationForm(data, instance=record, is_eiti=record.is_eiti)
    return forms.FinancialAnnexForm(data, initial={"financial_annex_number": record.financial_annex_number})


@login_required
def step(request, pk: int, step: int):
    company = _company(request)
    record = _record(company, pk)
    if step not in dict(STEPS):
        raise Http404
    context = {"company": company, "record": record, "steps": STEPS, "step": step, "step_title": dict(STEPS)[step]}
    if step == 5:
        return _summary(request, company, record, context)
    if not record.is_editable:
        messages.info(request, services.READ_ONLY_MESSAGE)
        return redirect("employee_records:step", pk=record.pk, step=5)
    form = _build_form(step, record, company, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.employee_record_update(
                acting_user=request.user, company=company, record=record, data=form.record_data()
            )
        except ValidationError as error:
            _errors(request, error)
        except PermissionDenied:
            raise Http404
        else:
            messages.success(request, f"Étape « {dict(STEPS)[step]} » enregistrée.")
            return redirect("employee_records:step", pk=record.pk, step=step + 1)
    context["form"] = form
    if step == 4:
        context["asp_siret"] = services.asp_company(company).siret
        context["asp_measure"] = record.asp_measure
    return render(request, "employee_records/step.html", context)


def _summary(request, company, record, context):
    if request.method == "POST":
        was_processed = record.status == Status.PROCESSED
        try:
            services.employee_record_ready(acting_user=request.user, company=company, record=record)
        except ValidationError as error:
            _errors(request, error)
        except PermissionDenied:
            raise Http404
        else:
            messages.success(
                request,
                "La fiche salarié a été renvoyée."
                if was_processed
                else "La fiche salarié est complétée : elle partira à l'ASP au prochain dépôt.",
            )
            return redirect("employee_records:list")
    context.update(
        {
            "missing": missing_fields(record),
            "rejection": display.rejection(record.asp_code, record.asp_label)
            if record.status == Status.REJECTED
            else None,
            "pass_start": asp_date(record.approval.start_at),
            "pass_end": asp_date(record.approval.end_at),
            "logs": _logs(record),
        }
    )
    return render(request, "employee_records/summary.html", context)


def _logs(record):
    from itou.employee_records.workflow import NOTIFICATION_MACHINE, RECORD_MACHINE

    logs = list(record.logs.select_related("batch", "user").order_by("-created_at", "-pk")[:20])
    for log in logs:
        name = log.transition.removeprefix("notification_")
        machine = NOTIFICATION_MACHINE if log.notification_id else RECORD_MACHINE
        transition = machine.transitions.get(name)
        log.label = transition.label if transition else log.transition
    return logs


@login_required
@require_POST
def disable(request, pk: int):
    company = _company(request)
    record = _record(company, pk)
    try:
        services.employee_record_disable(acting_user=request.user, company=company, record=record)
    except ValidationError as error:
        _errors(request, error)
    except PermissionDenied:
        raise Http404
    else:
        messages.success(request, "La fiche salarié a bien été désactivée.")
    return redirect(reverse("employee_records:list"))


@login_required
@require_POST
def enable(request, pk: int):
    company = _company(request)
    record = _record(company, pk)
    try:
        services.employee_record_enable(acting_user=request.user, company=company, record=record)
    except ValidationError as error:
        _errors(request, error)
    except PermissionDenied:
        raise Http404
    else:
        messages.success(request, "La fiche salarié a bien été réactivée.")
        return redirect("employee_records:step", pk=record.pk, step=1)
    return redirect("employee_records:list")
