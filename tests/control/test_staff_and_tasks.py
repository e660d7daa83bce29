import datetime

import pytest
import time_machine
from django.urls import reverse

from itou.control import services, tasks
from itou.control.enums import CampaignPhase
from itou.control.models import Campaign, ControlledSiae
from itou.notifications.models import SentEmail
from tests.approvals.factories import member_of
from tests.companies.factories import CompanyFactory, login_as_staff
from tests.control.factories import PERIOD_END, PERIOD_START, drawn_campaign, self_prescribed_hire
from tests.helpers import EMAIL_SUBJECT_PREFIX, run_pending_jobs
from tests.institutions.factories import InstitutionFactory

NOW = datetime.datetime(2026, 5, 15, 10, tzinfo=datetime.UTC)


@time_machine.travel(NOW, tick=False)
def test_staff_creates_campaigns_and_runs_the_draw_job(client, django_capture_on_commit_callbacks):
    ddets = InstitutionFactory(with_member=True)
    company = CompanyFactory(with_member=True, post_code="69003")
    for _ in range(2):
        self_prescribed_hire(company)
    login_as_staff(client)
    url = reverse("control:staff_campaigns")
    data = {
        "action": "create",
        "period_start": PERIOD_START,
        "period_end": PERIOD_END,
        "ratio_deadline": "2026-06-11",
        "submission_deadline": "2026-07-23",
        "adversarial_deadline": "2026-10-13",
        "sanctions_deadline": "2027-03-28",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data, follow=True)
    assert "1 campagne(s) créée(s)" in response.text
    campaign = Campaign.objects.get()
    assert campaign.name == "contrôle pour la période du 01/01/2025 au 31/12/2025"
    run_pending_jobs()
    assert SentEmail.objects.filter(
        to=[member_of(ddets).email],
        subject=EMAIL_SUBJECT_PREFIX
        + "Lancement du contrôle a posteriori : Vous disposez de 4 semaines pour sélectionner votre échantillon.",
    ).exists()
    # Again: nothing new.
    response = client.post(url, data, follow=True)
    assert "0 campagne(s) créée(s)" in response.text
    # The DDETS chooses its ratio.
    client.force_login(member_of(ddets))
    page = reverse("control:ddets_campaign", args=[campaign.pk])
    response = client.post(page, {"ratio": "45"})
    assert "au plus 40 %" in response.text
    response = client.post(page, {"ratio": "25"}, follow=True)
    assert "Le pourcentage de sélection pour le contrôle a posteriori a bien été enregistré (25%)." in response.text
    # The draw, as a job.
    login_as_staff(client)
    period = {"period_start": "2025-01-01", "period_end": "2025-12-31"}
    response = client.post(url, {"action": "draw", **period}, follow=True)
    assert "Tirage lancé" in response.text
    run_pending_jobs()
    campaign.refresh_from_db()
    assert campaign.phase == CampaignPhase.AMICABLE and campaign.ratio == 25
    assert ControlledSiae.objects.get().company == company
    response = client.get(url)
    assert "progress" in response.text
    # Twice: no double selection.
    client.post(url, {"action": "draw", **period})
    run_pending_jobs()
    assert ControlledSiae.objects.count() == 1
    # The DDETS can no longer change its ratio.
    client.force_login(member_of(ddets))
    response = client.post(page, {"ratio": "30"}, follow=True)
    assert "ne peut plus changer" in response.text
    # Phases in order; an impossible move is refused with a message.
    login_as_staff(client)
    response = client.post(url, {"action": "close", **period}, follow=True)
    assert "0 campagne(s)" in response.text
    for action, phase in [("freeze", "amicable_frozen"), ("start_adversarial", "adversarial"), ("close", "closed")]:
        client.post(url, {"action": action, **period})
        campaign.refresh_from_db()
        assert campaign.phase == phase


def test_staff_page_is_for_staff_only(client):
    client.force_login(member_of(InstitutionFactory(with_member=True)))
    assert client.get(reverse("control:staff_campaigns")).status_code == 403


@pytest.mark.parametrize("days,sent", [(29, 0), (30, 1)])
def test_first_reminder_after_30_days(days, sent, django_capture_on_commit_callbacks):
    with time_machine.travel(datetime.datetime(2026, 6, 12, 10, tzinfo=datetime.UTC), tick=False):
        _campaign, siae = drawn_campaign(hires=2)
    later = datetime.datetime(2026, 6, 12, 10, tzinfo=datetime.UTC) + datetime.timedelta(days=days)
    with time_machine.travel(later, tick=False), django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_reminders()["siae"] == sent
        assert tasks.send_reminders()["siae"] == 0  # once
    run_pending_jobs()
    assert (
        SentEmail.objects.filter(
            subject__startswith=EMAIL_SUBJECT_PREFIX + "Contrôle a posteriori des auto-prescriptions"
        ).count()
        == sent
    )


def test_weekly_ddets_reminder_while_frozen(client, django_capture_on_commit_callbacks):
    start = datetime.datetime(2026, 6, 15, 10, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        campaign, siae = drawn_campaign(hires=2)
        employer = member_of(siae.company)
        from itou.eligibility.models import AdministrativeCriteria
        from tests.control.factories import pdf_file

        rsa = AdministrativeCriteria.objects.get(kind="RSA")
        for hire in siae.hires.all():
            services.select_criteria(hire, [rsa], user=employer)
        for criterion in siae.hires.first().controlled_siae.hires.all():
            for c in criterion.criteria.all():
                services.upload_proof(c.pk, pdf_file(), company=siae.company, user=employer)
        services.submit(siae, user=employer)
        with django_capture_on_commit_callbacks(execute=True):
            services.freeze(campaign, user=None)
    later = start + datetime.timedelta(days=7, minutes=1)
    with time_machine.travel(later, tick=False), django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_reminders()["ddets"] == 1
        assert tasks.send_reminders()["ddets"] == 0
    run_pending_jobs()
    subjects = {s.removeprefix(EMAIL_SUBJECT_PREFIX) for s in SentEmail.objects.values_list("subject", flat=True)}
    assert "[Contrôle a posteriori] Contrôle des justificatifs à réaliser avant la clôture de phase" in subjects
    assert "[Contrôle a posteriori] Rappel : Contrôle des justificatifs à finaliser" in subjects
