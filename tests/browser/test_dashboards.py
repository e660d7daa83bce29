"""Issue 18, done when: log in as each demo role and check the dashboard's figures against
the database (figures computed here with plain queries, independently of the dashboard's
code). axe and the console on every dashboard."""

import datetime
import re

from dateutil.relativedelta import relativedelta
from django.utils import timezone
from playwright.sync_api import expect

from itou.approvals.models import Approval
from itou.companies.enums import SIAE_KINDS
from itou.companies.models import Company
from itou.demo import world as demo
from itou.job_applications.models import JobApplication
from tests.demo.conftest import demo_communes  # noqa: F401 — the fixture, shared


def log_in(ui, email):
    page = ui.goto("/comptes/login/")
    page.get_by_role("textbox", name=re.compile("^Adresse e-mail")).fill(email)
    page.get_by_label(re.compile(r"^Mot de passe \*")).fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").last.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour")
    return page


def figures(page) -> dict[str, int]:
    """label → value of every counter shown."""
    values = page.locator(".itou-counter__value").all_inner_texts()
    labels = page.locator(".itou-counter__label").all_inner_texts()
    assert values and len(values) == len(labels)
    return {label.strip(): int(value) for value, label in zip(values, labels, strict=True)}


def figure(shown: dict[str, int], pattern: str) -> int:
    """The one figure whose label matches `pattern` (from its start)."""
    matches = [value for label, value in shown.items() if re.match(pattern, label)]
    assert len(matches) == 1, (pattern, shown)
    return matches[0]


def log_out(page):
    page.get_by_role("button", name="Se déconnecter").first.click()


def test_each_demo_role_sees_the_database_figures(ui, demo_communes):  # noqa: F811
    demo.load_demo()
    today = timezone.localdate()

    # Employer (ACI): applications to process, PASS IAE ending within 3 months.
    company = Company.objects.get(siret__startswith=demo.COMPANIES[0].siren_base, kind=demo.COMPANIES[0].kind)
    page = log_in(ui, demo.COMPANIES[0].admin.email)
    ui.check()
    shown = figures(page)
    to_process = JobApplication.objects.filter(
        to_company=company, archived_at__isnull=True, state__in=["new", "processing", "postponed"]
    ).count()
    assert figure(shown, "candidatures? à traiter") == to_process
    ending = (
        Approval.objects.filter(
            hires__company=company,
            hires__cancelled_at__isnull=True,
            cancelled_at__isnull=True,
            end_at__gte=today,
            end_at__lt=today + relativedelta(months=3),
        )
        .distinct()
        .count()
    )
    assert figure(shown, "PASS IAE") == ending
    # The figure leads to the list that shows as many applications.
    page.locator("a[data-counter='1']").click()
    expect(page.get_by_role("heading", level=2, name=re.compile(rf"^{to_process} candidature"))).to_be_visible()
    ui.check()
    log_out(page)

    # Authorized prescriber (France Travail): applications sent awaiting an answer.
    page = log_in(ui, demo.PRESCRIBERS[0].admin.email)
    ui.check()
    shown = figures(page)
    pending = JobApplication.objects.filter(
        sender_prescriber_organization__name=demo.PRESCRIBERS[0].name,
        state__in=["new", "processing", "postponed", "pool", "prior_to_hire"],
    ).count()
    assert figure(shown, "candidatures? en attente") == pending
    assert any(label.startswith("demande") for label in shown)
    log_out(page)

    # Institution (DDETS du Rhône): the SIAE of the department.
    page = log_in(ui, demo.INSTITUTIONS[0].admin.email)
    ui.check()
    shown = figures(page)
    siae = (
        Company.objects.filter(kind__in=SIAE_KINDS, commune__department_id=demo.INSTITUTIONS[0].department_code)
        .active(today=today)
        .count()
    )
    assert figure(shown, "SIAE") == siae
    assert len(shown) == 4
    expect(page.get_by_role("heading", name=re.compile("Votre territoire : Rhône"))).to_be_visible()
    log_out(page)

    # Job seeker with a PASS IAE: the number and its end date.
    person = demo.PASS_JOB_SEEKERS[0].person
    page = log_in(ui, person.email)
    ui.check()
    shown = figures(page)
    in_progress = JobApplication.objects.filter(
        job_seeker__email=person.email, state__in=["new", "processing", "postponed", "pool", "prior_to_hire"]
    ).count()
    assert figure(shown, "candidatures? en cours") == in_progress
    approval = (
        Approval.objects.filter(job_seeker__email=person.email, cancelled_at__isnull=True, end_at__gte=today)
        .order_by("start_at", "pk")
        .first()
    )
    assert approval is not None
    expect(page.locator("#mon-pass-iae")).to_contain_text(approval.display_number)
    end = approval.end_at
    assert isinstance(end, datetime.date)
    expect(page.locator("#mon-pass-iae")).to_contain_text(f"{end.day} ")
