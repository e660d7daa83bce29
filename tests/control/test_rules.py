"""The rules of CONTROL.md at their exact limits: certified criteria (§3), the selection ratio
bounds (§3), the withdrawal of self-prescription during a sanction (§7), archiving (§8)."""

import datetime
import html
from collections import Counter

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.urls import reverse

from itou.activity.report import GROUPED_LABEL, SMALL_LABEL, grouped, shown
from itou.control import draw, services
from itou.control.enums import RATIO_MAX, RATIO_MIN, CampaignPhase, CriterionState, SanctionKind, SiaeState
from itou.control.models import ControlledCriterion, ControlledHire, ControlledSiae, Sanction
from itou.control.queries import SUSPENSION_MESSAGE, with_states
from itou.control.tasks import archive_closed_campaigns
from itou.control.workflow import CRITERION, hire_state, siae_state
from itou.eligibility.enums import CertificationSource
from itou.eligibility.hiring import hire_eligibility
from itou.eligibility.models import CertifiedCriterion
from itou.eligibility.services import eligibility_diagnosis_create
from itou.notifications.models import SentEmail
from itou.utils.state_machine import TransitionNotAllowed
from tests.approvals.factories import member_of
from tests.companies.factories import CompanyFactory
from tests.control.factories import campaign_for, drawn_campaign, pdf_file, self_prescribed_hire
from tests.eligibility.factories import IAEDiagnosisFactory, criteria
from tests.helpers import run_pending_jobs
from tests.users.factories import JobSeekerFactory

AMICABLE = datetime.datetime(2026, 6, 15, 10, tzinfo=datetime.UTC)


def certify(job_application, kind="RSA", *, valid_from=None, valid_until=None):
    start = job_application.hiring_start_at
    return CertifiedCriterion.objects.create(
        diagnosis=job_application.eligibility_diagnosis,
        administrative_criteria=criteria()[kind],
        source=CertificationSource.API_PARTICULIER,
        valid_from=valid_from or start - datetime.timedelta(days=30),
        valid_until=valid_until or start,
    )


def _reload(siae):
    return with_states(ControlledSiae.objects.filter(pk=siae.pk)).get()


# --- Certified criteria (CONTROL.md §3) -------------------------------------------------


@time_machine.travel(AMICABLE, tick=False)
def test_siae_whose_hires_are_all_certified_is_accepted_at_once(django_capture_on_commit_callbacks):
    company = CompanyFactory(with_member=True, post_code="69007")
    for i in range(2):
        certify(self_prescribed_hire(company, start=datetime.date(2025, 3, 3 + i)))
    campaign = campaign_for()
    with django_capture_on_commit_callbacks(execute=True):
        assert draw.draw_campaign(campaign.pk)
    siae = _reload(ControlledSiae.objects.get())
    assert siae.reviewed_at and siae.final_reviewed_at
    assert siae_state(siae) == SiaeState.ACCEPTED
    criterion = ControlledCriterion.objects.first()
    assert ControlledCriterion.objects.count() == 2
    assert criterion.certified and criterion.review_state == CriterionState.ACCEPTED and not criterion.proof
    assert all(h.fully_certified for h in ControlledHire.objects.all())
    # No proof is asked for a certified criterion, nor reviewed.
    criterion = ControlledCriterion.objects.select_related("hire__controlled_siae__campaign").get(pk=criterion.pk)
    assert CRITERION.blocker("upload", criterion) == (
        "Ce critère est certifié par un système de l'État : aucun justificatif n'est demandé."
    )
    with pytest.raises(TransitionNotAllowed) as error:
        CRITERION.check("reset", criterion)
    assert "certifié" in error.value.message
    run_pending_jobs()
    subjects = list(SentEmail.objects.filter(to__contains=[member_of(company).email]).values_list("subject", flat=True))
    assert any(s.endswith("Validation automatique de votre dossier de contrôle a posteriori") for s in subjects)
    assert not any("Contrôle a posteriori sur vos embauches" in s for s in subjects)


@time_machine.travel(AMICABLE, tick=False)
def test_a_certification_must_cover_the_hiring_day(client):
    company = CompanyFactory(with_member=True, post_code="69007")
    covered = self_prescribed_hire(company, start=datetime.date(2025, 3, 3))
    certify(covered, valid_until=covered.hiring_start_at)  # last day = hiring day: certified
    late = self_prescribed_hire(company, start=datetime.date(2025, 3, 4))
    certify(late, valid_until=late.hiring_start_at - datetime.timedelta(days=1))  # ended the day before
    campaign = campaign_for()
    assert draw.draw_campaign(campaign.pk)
    siae = _reload(ControlledSiae.objects.get())
    states = {h.job_application_id: hire_state(h) for h in siae.hires.all()}
    assert states == {covered.pk: "accepted", late.pk: "pending"}
    assert siae_state(siae) == SiaeState.PENDING and siae.reviewed_at is None
    # The SIAE justifies the other hire only; the certified criterion stays.
    client.force_login(member_of(company))
    page = client.get(reverse("control:siae_detail", args=[siae.pk]))
    assert (
        page.text.count("aucun justificatif n&#x27;est demandé") + page.text.count("aucun justificatif n'est demandé")
        == 1
    )
    hire = siae.hires.get(job_application=late)
    response = client.post(reverse("control:select_criteria", args=[hire.pk]), {"criteria": [criteria()["RSA"].pk]})
    assert response.status_code == 302
    assert ControlledCriterion.objects.filter(certified=True).count() == 1


# --- Selection ratio bounds (CONTROL.md §3: 20–40 %) -----------------------------------


@pytest.mark.parametrize(
    "ratio,error",
    [
        (RATIO_MIN - 1, f"Le pourcentage doit être d'au moins {RATIO_MIN} %."),
        (RATIO_MIN, None),
        (RATIO_MAX, None),
        (RATIO_MAX + 1, f"Le pourcentage doit être d'au plus {RATIO_MAX} %."),
    ],
)
@time_machine.travel(datetime.datetime(2026, 5, 20, 10, tzinfo=datetime.UTC), tick=False)
def test_ratio_bounds(client, ratio, error):
    campaign = campaign_for()
    client.force_login(member_of(campaign.institution))
    response = client.post(reverse("control:ddets_campaign", args=[campaign.pk]), {"ratio": ratio}, follow=True)
    campaign.refresh_from_db()
    if error:
        assert html.escape(error) in response.text and campaign.ratio is None
        with pytest.raises(ValidationError) as raised:
            services.set_ratio(campaign, ratio, user=None)
        assert raised.value.messages == [
            f"Le pourcentage de sélection doit être compris entre {RATIO_MIN} et {RATIO_MAX} %."
        ]
    else:
        assert f"a bien été enregistré ({ratio}%)" in response.text and campaign.ratio == ratio


# --- Self-prescription withdrawn during a sanction (CONTROL.md §7) ----------------------


def _sanction(company, kinds, start, end=None):
    campaign, siae = drawn_campaign(company=company)
    return Sanction.objects.create(controlled_siae=siae, kinds=kinds, suspension_start=start, suspension_end=end)


def _answer(company, job_seeker, day):
    return hire_eligibility(
        company=company,
        job_seeker=job_seeker,
        hiring_start_at=day,
        at=datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC),
    )


@time_machine.travel(AMICABLE, tick=False)
def test_temporary_withdrawal_from_its_first_to_its_last_day():
    company = CompanyFactory(with_member=True, post_code="69007")
    first, last = datetime.date(2026, 10, 1), datetime.date(2026, 10, 31)
    _sanction(company, [SanctionKind.TEMPORARY_SUSPENSION], first, last)
    own = IAEDiagnosisFactory(
        author_kind="employer", author_company=company, criteria=["RSA"], expires_at=datetime.date(2027, 6, 1)
    )
    by_prescriber = IAEDiagnosisFactory(criteria=["RSA"], expires_at=datetime.date(2027, 6, 1))
    one_day = datetime.timedelta(days=1)
    assert _answer(company, own.job_seeker, first - one_day).allowed
    for day in (first, last):
        answer = _answer(company, own.job_seeker, day)
        assert not answer.allowed and not answer.needs_diagnosis
        assert answer.error.startswith(SUSPENSION_MESSAGE)
        assert "retrait temporaire depuis le 01/10/2026 et le sera jusqu'au 31/10/2026 inclus" in answer.error
        # A person without any diagnosis: the SIAE may not make one either.
        assert _answer(company, JobSeekerFactory(), day).error.startswith(SUSPENSION_MESSAGE)
        # A prescriber's diagnosis is not a self-prescription.
        assert _answer(company, by_prescriber.job_seeker, day).allowed
    assert _answer(company, own.job_seeker, last + one_day).allowed
    # Making a diagnosis: refused on the first day, allowed the day after the last.
    employer = member_of(company)
    for day, refused in ((first, True), (last + one_day, False)):
        now = datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC)
        kwargs = {"acting_user": employer, "job_seeker": JobSeekerFactory(), "author_organization": company}
        if refused:
            with pytest.raises(ValidationError) as error:
                eligibility_diagnosis_create(**kwargs, criteria=[criteria()["RSA"]], now=now)
            assert error.value.message_dict["administrative_criteria"][0].startswith(SUSPENSION_MESSAGE)
        else:
            assert eligibility_diagnosis_create(**kwargs, criteria=[criteria()["RSA"]], now=now)


@time_machine.travel(AMICABLE, tick=False)
def test_permanent_withdrawal_from_its_first_day_and_the_dashboard_says_it(client):
    company = CompanyFactory(with_member=True, post_code="69007")
    first = datetime.date(2026, 6, 15)
    _sanction(company, [SanctionKind.PERMANENT_SUSPENSION], first)
    own = IAEDiagnosisFactory(
        author_kind="employer", author_company=company, criteria=["RSA"], expires_at=datetime.date(2030, 1, 1)
    )
    assert _answer(company, own.job_seeker, first - datetime.timedelta(days=1)).allowed
    answer = _answer(company, own.job_seeker, datetime.date(2029, 12, 1))
    assert "retrait définitif depuis le 15/06/2026" in answer.error
    client.force_login(member_of(company))
    assert "retrait définitif depuis le 15/06/2026" in client.get(reverse("dashboard:index")).text


# --- Archiving (CONTROL.md §8) ---------------------------------------------------------


def test_accepted_siae_are_archived_60_days_after_closing(client, django_capture_on_commit_callbacks):
    with time_machine.travel(AMICABLE, tick=False):
        campaign, accepted = drawn_campaign(hires=2)
        refused_company = CompanyFactory(with_member=True, post_code="69008")
        refused = ControlledSiae.objects.create(campaign=campaign, company=refused_company, hire_count=1)
        ControlledHire.objects.create(controlled_siae=refused, job_application=self_prescribed_hire(refused_company))
        employer = member_of(accepted.company)
        client.force_login(employer)
        rsa = criteria()["RSA"]
        for hire in accepted.hires.all():
            client.post(reverse("control:select_criteria", args=[hire.pk]), {"criteria": [rsa.pk]})
        for criterion in ControlledCriterion.objects.all():
            client.post(reverse("control:upload", args=[criterion.pk]), {"proof": pdf_file()})
        client.post(reverse("control:submit", args=[accepted.pk]))
        proofs = list(ControlledCriterion.objects.values_list("proof", flat=True))
        assert len(proofs) == 2 and all(default_storage.exists(p) for p in proofs)
    closing = datetime.datetime(2026, 10, 28, 10, tzinfo=datetime.UTC)
    with time_machine.travel(closing, tick=False):
        services.freeze(campaign, user=None)
        services.start_adversarial(campaign, user=None)  # submitted, not reviewed: accepted
        campaign.refresh_from_db()
        services.close(campaign, user=None)
    campaign.refresh_from_db()
    # 59 days after: too early.
    with time_machine.travel(closing + datetime.timedelta(days=59), tick=False):
        assert archive_closed_campaigns() == 0
        with pytest.raises(TransitionNotAllowed) as error:
            services.archive(campaign)
        assert error.value.message == "Une campagne s'archive 60 jours après sa clôture."
    with time_machine.travel(closing + datetime.timedelta(days=60), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert archive_closed_campaigns() == 1
        assert archive_closed_campaigns() == 0  # once
    campaign.refresh_from_db()
    accepted, refused = _reload(accepted), _reload(refused)
    assert campaign.phase == CampaignPhase.ARCHIVED and campaign.archived_at
    assert accepted.archived_at and accepted.hire_count == 2 and not accepted.hires.exists()
    assert siae_state(accepted) == SiaeState.ACCEPTED
    assert not any(default_storage.exists(p) for p in proofs)
    assert refused.archived_at is None and siae_state(refused) == SiaeState.REFUSED
    with time_machine.travel(closing + datetime.timedelta(days=61), tick=False):
        client.force_login(employer)
        page = client.get(reverse("control:siae_list"))
        assert "Contrôles archivés" in page.text
        assert (
            "seul le nombre d'embauches contrôlées (2)"
            in client.get(reverse("control:siae_detail", args=[accepted.pk])).text
        )
        client.force_login(member_of(campaign.institution))
        assert "Campagnes archivées" in client.get(reverse("control:ddets_index")).text
        # Read-only: no review on an archived campaign.
        assert client.get(reverse("control:ddets_campaign", args=[campaign.pk])).status_code == 200
    # Viewable 3 years after closing, not beyond.
    with time_machine.travel(closing + datetime.timedelta(days=3 * 365 + 2), tick=False):
        client.force_login(member_of(campaign.institution))
        assert client.get(reverse("control:ddets_campaign", args=[campaign.pk])).status_code == 404
        assert "Campagnes archivées" not in client.get(reverse("control:ddets_index")).text


# --- Small counts of the activity report: 4 vs 5 ----------------------------------------


def test_small_counts_are_grouped_below_5_and_shown_from_5():
    assert shown(0) == 0 and shown(1) == SMALL_LABEL and shown(4) == SMALL_LABEL and shown(5) == 5
    assert grouped(Counter({"A": 5, "B": 4})) == [("A", 5), (GROUPED_LABEL, SMALL_LABEL)]
    assert grouped(Counter({"A": 4})) == [(GROUPED_LABEL, SMALL_LABEL)]
    # Two small categories that make 5 together: the group shows its exact count.
    assert grouped(Counter({"A": 4, "B": 1})) == [(GROUPED_LABEL, 5)]
    assert grouped(Counter({"A": 5})) == [("A", 5)]
