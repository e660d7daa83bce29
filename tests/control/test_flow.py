"""A campaign from the draw to the sanctions, through the screens (CONTROL.md §5–§8)."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from itou.control import services
from itou.control.enums import CampaignPhase, CriterionState, SiaeState
from itou.control.models import ControlledCriterion, ControlLog
from itou.control.workflow import siae_state
from itou.notifications.models import SentEmail
from tests.approvals.factories import member_of
from tests.companies.factories import CompanyFactory
from tests.control.factories import drawn_campaign, pdf_file
from tests.eligibility.factories import criteria
from tests.helpers import EMAIL_SUBJECT_PREFIX, run_pending_jobs
from tests.institutions.factories import DepartmentFactory, InstitutionFactory, RegionFactory

AMICABLE = datetime.datetime(2026, 6, 15, 10, tzinfo=datetime.UTC)


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """What a service queues on commit (emails) runs at the end of the block, as in production."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def world(commit):
    with time_machine.travel(AMICABLE, tick=False):
        with commit():
            campaign, siae = drawn_campaign(hires=2)
        yield campaign, siae


def subjects(user):
    run_pending_jobs()
    # Without the service name every email's subject starts with (itou.notifications.emails).
    return [
        subject.removeprefix(EMAIL_SUBJECT_PREFIX)
        for subject in SentEmail.objects.filter(to__contains=[user.email])
        .order_by("pk")
        .values_list("subject", flat=True)
    ]


def _reload(siae):
    from itou.control.queries import with_states

    return with_states(type(siae).objects.filter(pk=siae.pk)).get()


def select_and_upload(client, siae):
    rsa = criteria()["RSA"]
    for hire in siae.hires.all():
        response = client.post(reverse("control:select_criteria", args=[hire.pk]), {"criteria": [rsa.pk]})
        assert response.status_code == 302
    for criterion in ControlledCriterion.objects.filter(hire__controlled_siae=siae):
        response = client.post(reverse("control:upload", args=[criterion.pk]), {"proof": pdf_file()})
        assert response.status_code == 302


def test_full_campaign(client, world, commit):
    campaign, siae = world
    employer, inspector = member_of(siae.company), member_of(campaign.institution)
    assert subjects(employer) == [
        "Contrôle a posteriori sur vos embauches réalisées du 1 janvier 2025 au 31 décembre 2025"
    ]
    assert subjects(inspector) == ["[Contrôle a posteriori] Ouverture de la phase de transmission des justificatifs"]

    # The SIAE: dashboard card, select criteria, upload, submit.
    client.force_login(employer)
    response = client.get(reverse("dashboard:index"))
    assert "Contrôle a posteriori" in response.text and "avant le 23/07/2026" in response.text
    response = client.get(reverse("control:siae_detail", args=[siae.pk]))
    assert response.status_code == 200 and "Ce qui vous est demandé" in response.text
    select_and_upload(client, siae)
    assert siae_state(_reload(siae)) == SiaeState.SUBMITTABLE
    with commit():
        response = client.post(reverse("control:submit", args=[siae.pk]), follow=True)
    assert "Justificatifs transmis !" in response.text
    assert siae_state(_reload(siae)) == SiaeState.SUBMITTED
    run_pending_jobs()
    assert subjects(inspector)[-1] == (
        f"[Contrôle a posteriori] La structure ACI {siae.company.display_name} a transmis ses pièces justificatives."
    )
    # Frozen: no more upload.
    criterion = ControlledCriterion.objects.filter(hire__controlled_siae=siae).first()
    response = client.post(reverse("control:upload", args=[criterion.pk]), {"proof": pdf_file()}, follow=True)
    assert "Vos justificatifs ont été transmis" in response.text

    # The DDETS: refuse one, accept the other, validate.
    client.force_login(inspector)
    first, second = ControlledCriterion.objects.filter(hire__controlled_siae=siae).order_by("pk")
    proof = client.get(reverse("control:proof", args=[first.pk]))
    assert proof.status_code == 200 and proof["Content-Type"] == "application/pdf"
    response = client.post(
        reverse("control:ddets_review", args=[first.pk]),
        {"action": "refuse", "expected_state": "pending", "comment": ""},
        follow=True,
    )
    assert "Expliquez à la structure" in response.text
    client.post(
        reverse("control:ddets_review", args=[first.pk]),
        {"action": "refuse", "expected_state": "pending", "comment": "Attestation illisible."},
    )
    client.post(reverse("control:ddets_review", args=[second.pk]), {"action": "accept", "expected_state": "pending"})
    response = client.post(reverse("control:ddets_validate", args=[siae.pk]), follow=True)
    assert "Résultats enregistrés !" in response.text
    siae = _reload(siae)
    assert siae.reviewed_at and not siae.final_reviewed_at
    assert siae_state(siae) == SiaeState.ADVERSARIAL_STAGE

    # The SIAE does not see the result before the adversarial phase.
    client.force_login(employer)
    response = client.get(reverse("control:siae_detail", args=[siae.pk]))
    assert "Attestation illisible." not in response.text

    # Staff: adversarial phase.
    with time_machine.travel(datetime.datetime(2026, 9, 2, 10, tzinfo=datetime.UTC), tick=False):
        with commit():
            services.start_adversarial(campaign, user=None)
        assert subjects(employer)[-1] == f"Résultat du contrôle - ACI {siae.company.display_name} ID-{siae.company_id}"
        client.force_login(employer)
        response = client.get(reverse("control:siae_detail", args=[siae.pk]))
        assert "Attestation illisible." in response.text
        # New proof for the refused criterion only.
        response = client.post(reverse("control:upload", args=[second.pk]), {"proof": pdf_file()}, follow=True)
        assert "déjà été transmis" in response.text
        client.post(reverse("control:upload", args=[first.pk]), {"proof": pdf_file()})
        response = client.post(reverse("control:submit", args=[siae.pk]), follow=True)
        assert "Justificatifs transmis !" in response.text
        # The DDETS accepts, final validation.
        client.force_login(inspector)
        client.post(reverse("control:ddets_review", args=[first.pk]), {"action": "accept", "expected_state": "pending"})
        client.post(reverse("control:ddets_validate", args=[siae.pk]))
        siae = _reload(siae)
        assert siae.final_reviewed_at and siae_state(siae) == SiaeState.ACCEPTED
        campaign.refresh_from_db()
        services.close(campaign, user=None)
        siae.refresh_from_db()
        assert siae.final_state == SiaeState.ACCEPTED
    transitions = list(
        ControlLog.objects.filter(object_kind="criterion", object_id=first.pk).values_list("transition", flat=True)
    )
    assert transitions == ["upload", "refuse", "upload", "accept"]


def test_refused_siae_gets_sanction(client, world, commit):
    campaign, siae = world
    employer, inspector = member_of(siae.company), member_of(campaign.institution)
    client.force_login(employer)
    select_and_upload(client, siae)
    client.post(reverse("control:submit", args=[siae.pk]))
    client.force_login(inspector)
    for criterion in ControlledCriterion.objects.filter(hire__controlled_siae=siae):
        client.post(
            reverse("control:ddets_review", args=[criterion.pk]),
            {"action": "refuse", "expected_state": "pending", "comment": "Non conforme."},
        )
    client.post(reverse("control:ddets_validate", args=[siae.pk]))
    with time_machine.travel(datetime.datetime(2026, 9, 2, 10, tzinfo=datetime.UTC), tick=False):
        services.start_adversarial(campaign, user=None)
        client.force_login(inspector)
        # Nothing new from the SIAE; the DDETS refuses again (x2) and validates.
        for criterion in ControlledCriterion.objects.filter(hire__controlled_siae=siae):
            client.post(
                reverse("control:ddets_review", args=[criterion.pk]),
                {"action": "refuse", "expected_state": "refused", "comment": "Toujours non conforme."},
            )
        assert set(ControlledCriterion.objects.values_list("review_state", flat=True)) == {CriterionState.REFUSED_2}
        client.post(reverse("control:ddets_validate", args=[siae.pk]))
        campaign.refresh_from_db()
        with commit():
            campaign = services.close(campaign, user=None)
        assert subjects(inspector)[-1] == "[Contrôle a posteriori] Notification des sanctions"
        url = reverse("control:ddets_sanction", args=[siae.pk])
        response = client.post(
            url,
            {"reason": "INVALID_PROOF", "text": "Justificatifs non conformes.", "kinds": ["NO_SANCTIONS", "TRAINING"]},
        )
        assert "ne se combine avec aucune autre sanction" in response.text
        response = client.post(
            url,
            {
                "reason": "INVALID_PROOF",
                "text": "Justificatifs non conformes.",
                "kinds": ["TEMPORARY_SUSPENSION", "PERMANENT_SUSPENSION"],
                "suspension_start": "2026-10-01",
            },
        )
        assert "ne peuvent pas être choisis ensemble" in response.text
        with commit():
            response = client.post(
                url,
                {
                    "reason": "INVALID_PROOF",
                    "text": "Justificatifs non conformes.",
                    "kinds": ["TRAINING"],
                    "training_details": "Session du 3 novembre.",
                },
                follow=True,
            )
        assert "Décision notifiée" in response.text
        assert subjects(employer)[-1] == "Décision de sanction"
        assert client.get(url).status_code == 302  # already notified
        client.force_login(employer)
        page = client.get(reverse("control:siae_detail", args=[siae.pk]))
        assert "Participation à une session de présentation de l&#x27;auto-prescription" in page.text


def test_no_response_then_close(client, world, commit):
    campaign, siae = world
    employer, inspector = member_of(siae.company), member_of(campaign.institution)
    with time_machine.travel(datetime.datetime(2026, 7, 25, 10, tzinfo=datetime.UTC), tick=False):
        with commit():
            services.freeze(campaign, user=None)
            services.start_adversarial(campaign, user=None)
        assert subjects(inspector)[-1] == "[Contrôle a posteriori] Passage en phase contradictoire"
        campaign.refresh_from_db()
        with commit():
            campaign = services.close(campaign, user=None)
    assert subjects(employer)[-1] == (
        f"[Contrôle a posteriori] Absence de réponse de la structure ACI {siae.company.display_name} "
        f"ID-{siae.company_id}"
    )
    siae.refresh_from_db()
    assert siae.final_state == SiaeState.REFUSED
    assert campaign.phase == CampaignPhase.CLOSED


def test_submitted_but_not_reviewed_is_accepted_by_default(client, world):
    campaign, siae = world
    client.force_login(member_of(siae.company))
    select_and_upload(client, siae)
    client.post(reverse("control:submit", args=[siae.pk]))
    services.start_adversarial(campaign, user=None)
    assert siae_state(_reload(siae)) == SiaeState.ACCEPTED


# --------------------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content,name,message",
    [
        (b"GIF89a not a pdf", "photo.pdf", "Ce fichier n&#x27;est pas un PDF"),
        (b"%PDF-1.4\n" + b"0" * (5 * 1024 * 1024), "gros.pdf", "trop lourd"),
        (b"%PDF-1.4 truncated", "abime.pdf", "abîmé"),
    ],
)
def test_upload_bad_file(client, world, content, name, message):
    _campaign, siae = world
    client.force_login(member_of(siae.company))
    hire = siae.hires.first()
    client.post(reverse("control:select_criteria", args=[hire.pk]), {"criteria": [criteria()["RSA"].pk]})
    criterion = ControlledCriterion.objects.get(hire=hire)
    response = client.post(
        reverse("control:upload", args=[criterion.pk]), {"proof": pdf_file(name, content)}, follow=True
    )
    assert message in response.text
    criterion.refresh_from_db()
    assert not criterion.proof


def test_upload_after_deadline(client, world):
    _campaign, siae = world
    client.force_login(member_of(siae.company))
    hire = siae.hires.first()
    client.post(reverse("control:select_criteria", args=[hire.pk]), {"criteria": [criteria()["RSA"].pk]})
    criterion = ControlledCriterion.objects.get(hire=hire)
    with time_machine.travel(datetime.datetime(2026, 7, 24, 10, tzinfo=datetime.UTC), tick=False):
        client.force_login(member_of(siae.company))
        response = client.post(reverse("control:upload", args=[criterion.pk]), {"proof": pdf_file()}, follow=True)
    assert "La date limite de transmission des justificatifs (23/07/2026) est passée." in response.text
    criterion.refresh_from_db()
    assert not criterion.proof


def test_criteria_not_in_the_diagnosis_and_items_not_selected(client, world):
    _campaign, siae = world
    client.force_login(member_of(siae.company))
    hire = siae.hires.first()
    response = client.post(
        reverse("control:select_criteria", args=[hire.pk]), {"criteria": [criteria()["ASS"].pk]}, follow=True
    )
    assert "Choisissez parmi les critères du diagnostic" in response.text
    assert not ControlledCriterion.objects.exists()
    # A criterion of another SIAE's hire: not one of its items.
    # A hire not drawn (another hire of the same SIAE): no criterion to justify, nothing to upload to.
    assert client.post(reverse("control:select_criteria", args=[999999]), {"criteria": []}).status_code == 404
    assert client.post(reverse("control:upload", args=[999999]), {"proof": pdf_file()}).status_code == 404


def test_concurrent_and_stale_reviews(client, world):
    campaign, siae = world
    client.force_login(member_of(siae.company))
    select_and_upload(client, siae)
    client.post(reverse("control:submit", args=[siae.pk]))
    criterion = ControlledCriterion.objects.filter(hire__controlled_siae=siae).first()
    inspector = member_of(campaign.institution)
    client.force_login(inspector)
    client.post(reverse("control:ddets_review", args=[criterion.pk]), {"action": "accept", "expected_state": "pending"})
    # A second agent, on a page loaded before the first decision.
    response = client.post(
        reverse("control:ddets_review", args=[criterion.pk]),
        {"action": "refuse", "expected_state": "pending", "comment": "Non."},
        follow=True,
    )
    assert "contrôlé entre-temps par un autre agent" in response.text
    criterion.refresh_from_db()
    assert criterion.review_state == CriterionState.ACCEPTED


# --------------------------------------------------------------------------------------
# Permissions
# --------------------------------------------------------------------------------------


def test_other_organizations_get_404(client, world):
    campaign, siae = world
    criterion_hire = siae.hires.first()
    other_ddets = InstitutionFactory(
        with_member=True,
        department=DepartmentFactory(code="59", name="Nord", region=RegionFactory(code="32", name="Hauts-de-France")),
    )
    other_siae = CompanyFactory(with_member=True)
    client.force_login(member_of(siae.company))
    client.post(reverse("control:select_criteria", args=[criterion_hire.pk]), {"criteria": [criteria()["RSA"].pk]})
    criterion = ControlledCriterion.objects.get(hire=criterion_hire)
    client.post(reverse("control:upload", args=[criterion.pk]), {"proof": pdf_file()})

    client.force_login(member_of(other_ddets))
    for url in [
        reverse("control:ddets_campaign", args=[campaign.pk]),
        reverse("control:ddets_export", args=[campaign.pk]),
        reverse("control:ddets_siae", args=[siae.pk]),
        reverse("control:proof", args=[criterion.pk]),
    ]:
        assert client.get(url).status_code == 404, url
    assert (
        client.post(
            reverse("control:ddets_review", args=[criterion.pk]), {"action": "accept", "expected_state": "pending"}
        ).status_code
        == 404
    )
    assert client.post(reverse("control:ddets_validate", args=[siae.pk])).status_code == 404

    client.force_login(member_of(other_siae))
    for url in [reverse("control:siae_detail", args=[siae.pk]), reverse("control:proof", args=[criterion.pk])]:
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("control:upload", args=[criterion.pk]), {"proof": pdf_file()}).status_code == 404
    assert client.post(reverse("control:submit", args=[siae.pk])).status_code == 404
    # An SIAE on DDETS pages.
    assert client.get(reverse("control:ddets_campaign", args=[campaign.pk])).status_code == 404
    assert client.get(reverse("control:staff_campaigns")).status_code == 403

    client.logout()
    response = client.get(reverse("control:proof", args=[criterion.pk]))
    assert response.status_code == 302 and "/comptes/" in response["Location"]
    criterion.refresh_from_db()
    assert criterion.review_state == CriterionState.PENDING


def test_ddets_list_constant_queries(client, world, django_assert_max_num_queries):
    campaign, _siae = world
    client.force_login(member_of(campaign.institution))
    url = reverse("control:ddets_campaign", args=[campaign.pk])
    client.get(url)
    with django_assert_max_num_queries(14) as ctx:
        client.get(url)
    baseline = len(ctx.captured_queries)
    from itou.control.models import ControlledHire, ControlledSiae
    from tests.control.factories import self_prescribed_hire

    for _ in range(3):
        company = CompanyFactory(with_member=True)
        extra = ControlledSiae.objects.create(campaign=campaign, company=company, hire_count=2)
        for _ in range(2):
            ControlledHire.objects.create(controlled_siae=extra, job_application=self_prescribed_hire(company))
    with django_assert_max_num_queries(baseline):
        response = client.get(url)
    assert response.text.count("control/ddets/structure/") >= 4 or response.text.count("/ddets/structure/") >= 4
