"""The outsiders' world: two of everything, side A owning the objects, side B looking in.

`build_world()` creates, through the same services as the screens where they exist:

- side A: an ACI (admin + plain member) near Lyon, an authorized prescriber organization
  (France Travail, admin + member), the Rhône DDETS, job seeker A, buyer A (admin + a
  member waiting for approval), and A's objects: applications (one sent by the
  prescriber, one hired with a PASS IAE), a suspension, a prolongation request, an
  employee record, a control campaign drawing the ACI, a contract end, a comment, a
  message with an attachment, a follow-up group, a support request with an attachment,
  an invitation, a join request, a published need sent to the ACI with an attachment, a
  buyer list, an API token of the ACI.
- side B: an EI (admin + plain member) in the Nord, an authorized prescriber
  organization, an orienteur, the Nord DDETS, the Hauts-de-France DREETS, job seeker B,
  buyer B; the DGEFP and the support team (staff) see everything by design.

Every private piece of side A's data carries one of the `SECRETS` strings: a page shown to
side B must contain none of them.
"""

import datetime
import io
import types

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from itou.activity.models import ContractEnd
from itou.api import services as api_services
from itou.approvals import services as approval_services
from itou.approvals.enums import ProlongationReason, SuspensionReason
from itou.companies.enums import CompanyKind
from itou.control.models import ControlledCriterion
from itou.eligibility.models import AdministrativeCriteria
from itou.exchanges import services as exchange_services
from itou.followup import services as followup_services
from itou.followup.models import FollowUpRole
from itou.institutions.enums import InstitutionKind
from itou.invitations.models import Invitation
from itou.job_applications.enums import JobApplicationState
from itou.job_applications.models import JobApplicationComment
from itou.marketplace import services as marketplace_services
from itou.marketplace.enums import AreaKind, BuyerKind, NeedKind, NotificationMode
from itou.marketplace.models import BuyerMembership, NeedAttachment, Sector
from itou.marketplace.sectors import sectors_load
from itou.support import services as support_services
from tests.approvals.factories import ApprovalFactory, days_from_today, hire
from tests.companies.conftest import make_commune
from tests.companies.factories import CompanyFactory, CompanyMembershipFactory, siret_for
from tests.control.factories import PDF, drawn_campaign
from tests.employee_records.factories import complete_record
from tests.institutions.factories import DepartmentFactory, InstitutionFactory, RegionFactory
from tests.invitations.factories import InvitationFactory, JoinRequestFactory
from tests.job_applications.factories import JobApplicationFactory, make_job_description
from tests.prescribers.factories import PrescriberMembershipFactory, PrescriberOrganizationFactory
from tests.users.factories import JobSeekerFactory, JobSeekerProfileFactory, ProfessionalFactory, StaffFactory

# Strings that only side A's private objects contain (never a public name).
SECRETS = {
    "job_seeker_a": "Quintrelle-Abgrall",
    "job_seeker_a_email": "azenor.quintrelle@example.com",
    "message": "Message-confidentiel-A",
    "comment": "Commentaire-confidentiel-A",
    "support": "Demande-confidentielle-A",
    "need": "Besoin-confidentiel-A",
    "list": "Liste-confidentielle-A",
    "invitation": "invite.confidentielle-a@example.com",
}


def pdf_upload(name="piece.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _buyer(n, name, *, commune=None, siret_n=None):
    from itou.invitations.services import NewAccount

    result = marketplace_services.buyer_signup(
        new_account=NewAccount(
            email=f"acheteur.sonde{n}@example.com", first_name="Claire", last_name=f"Acheteuse{n}", password="x" * 12
        ),
        siret=siret_for(900 + (siret_n or n), prefix="9"),
        name=name,
        kind=BuyerKind.PUBLIC,
        commune=commune,
        job_title="Acheteuse",
    )
    return result.user, result.organization


def _spread_sequences():
    """Ids of different tables never meet (table n counts from n million): a URL filled
    with side A's id cannot land by chance on an object of side B with the same number."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT schemaname || '.' || sequencename, coalesce(last_value, 0) FROM pg_sequences "
            "WHERE sequencename LIKE '%%\\_id\\_seq' ORDER BY sequencename"
        )
        for n, (sequence, last_value) in enumerate(cursor.fetchall(), start=1):
            cursor.execute("SELECT setval(%s, %s)", [sequence, max(last_value, n * 1_000_000)])


def build_world():  # noqa: PLR0915 (one long, flat recipe)
    w = types.SimpleNamespace()
    today = timezone.localdate()
    _spread_sequences()

    # --- Places -----------------------------------------------------------------------
    w.lyon = make_commune("69123", "Lyon", department="69", postal_codes=["69007"], latitude=45.758, longitude=4.835)
    w.lille = make_commune("59350", "Lille", department="59", postal_codes=["59000"], latitude=50.63, longitude=3.04)
    nord = DepartmentFactory(code="59", name="Nord", region=RegionFactory(code="32", name="Hauts-de-France"))
    sectors_load(Sector)
    w.sector = Sector.objects.get(code="nettoyage-locaux")

    # --- Employers ----------------------------------------------------------------------
    w.employer_a = ProfessionalFactory(first_name="Nathalie", last_name="Employeuse")
    w.company_a = CompanyFactory(
        kind=CompanyKind.ACI,
        name="Les Jardins Sonde A",
        commune=w.lyon,
        latitude=w.lyon.latitude,
        longitude=w.lyon.longitude,
        with_member=w.employer_a,
    )
    w.employer_a_member = CompanyMembershipFactory(company=w.company_a, is_admin=False).user
    w.employer_b = ProfessionalFactory()
    w.company_b = CompanyFactory(
        kind=CompanyKind.EI, name="Nord Sonde B", post_code="59000", commune=w.lille, with_member=w.employer_b
    )
    w.employer_b_member = CompanyMembershipFactory(company=w.company_b, is_admin=False).user
    w.job_description = make_job_description(w.company_a)
    w.job_description_b = make_job_description(w.company_b, title="Agent / Agente de tri", code="11988")

    # --- Prescribers ----------------------------------------------------------------------
    w.prescriber_org_a = PrescriberOrganizationFactory(authorized=True, with_member=True)
    w.prescriber_a = w.prescriber_org_a.memberships.get().user
    w.prescriber_a_member = PrescriberMembershipFactory(organization=w.prescriber_org_a, is_admin=False).user
    w.prescriber_org_b = PrescriberOrganizationFactory(authorized=True, with_member=True)
    w.prescriber_b = w.prescriber_org_b.memberships.get().user
    w.orienteur_org_b = PrescriberOrganizationFactory(with_member=True)
    w.orienteur_b = w.orienteur_org_b.memberships.get().user

    # --- Institutions -------------------------------------------------------------------
    w.ddets_a_institution = InstitutionFactory(with_member=True)  # DDETS IAE of the Rhône
    w.ddets_a = w.ddets_a_institution.memberships.get().user
    w.ddets_b = InstitutionFactory(department=nord, name="DDETS Nord", with_member=True).memberships.get().user
    w.dreets_b = (
        InstitutionFactory(kind=InstitutionKind.DREETS_IAE, department=None, region=nord.region, with_member=True)
        .memberships.get()
        .user
    )
    w.dgefp = (
        InstitutionFactory(kind=InstitutionKind.DGEFP_IAE, department=None, with_member=True).memberships.get().user
    )

    # --- Job seekers --------------------------------------------------------------------
    w.job_seeker_a = JobSeekerFactory(
        first_name="Azénor", last_name=SECRETS["job_seeker_a"], email=SECRETS["job_seeker_a_email"], with_profile=False
    )
    JobSeekerProfileFactory(user=w.job_seeker_a)
    w.job_seeker_b = JobSeekerFactory()

    # --- Applications, PASS IAE, suspension, prolongation request ------------------------
    w.application = JobApplicationFactory(
        job_seeker=w.job_seeker_a,
        to_company=w.company_a,
        sent_by_prescriber=True,
        sender_prescriber_organization=w.prescriber_org_a,
        sender=w.prescriber_a,
        selected_jobs=[w.job_description],
    )
    w.approval = ApprovalFactory(job_seeker=w.job_seeker_a, start_at=days_from_today(-400))
    w.approval_hire = hire(w.approval, w.company_a)
    w.hired_application = w.approval_hire.job_application
    w.prolongation_request = approval_services.prolongation_request_create(
        acting_user=w.employer_a,
        company=w.company_a,
        approval=w.approval,
        reason=ProlongationReason.RQTH,
        end_at=w.approval.end_at + datetime.timedelta(days=300),
        prescriber_organization=w.prescriber_org_a,
    )
    w.suspension = approval_services.suspension_create(
        acting_user=w.employer_a,
        company=w.company_a,
        approval=w.approval,
        start_at=days_from_today(-10),
        end_at=days_from_today(19),
        reason=SuspensionReason.CONTRACT_SUSPENDED,
    )
    w.approval.refresh_from_db()
    w.employee_record = complete_record(approval_hire=w.approval_hire)
    w.contract_end = ContractEnd.objects.create(
        job_application=w.hired_application,
        end_date=today,
        reason="CONTRACT_TERM",
        exit_situation="PERMANENT_CONTRACT",
        exit_category="DURABLE",
        declared_by=w.employer_a,
    )
    w.comment = JobApplicationComment.objects.create(
        job_application=w.application, company=w.company_a, author=w.employer_a, message=SECRETS["comment"]
    )
    w.message = exchange_services.message_post(
        acting_user=w.employer_a, job_application=w.application, body=SECRETS["message"], attachment=pdf_upload()
    )

    # --- Control ------------------------------------------------------------------------
    w.campaign, w.controlled_siae = drawn_campaign(
        company=CompanyFactory(with_member=True, post_code="69007"), institution=w.ddets_a_institution
    )
    w.controlled_company_admin = w.controlled_siae.company.memberships.get().user
    w.controlled_hire = w.controlled_siae.hires.first()
    w.controlled_criterion = ControlledCriterion.objects.create(
        hire=w.controlled_hire, administrative_criteria=AdministrativeCriteria.objects.get(kind="RSA")
    )
    w.controlled_criterion.proof.save("justificatif.pdf", io.BytesIO(PDF), save=True)

    # --- Members: invitation, join request ------------------------------------------------
    w.invitation = InvitationFactory(company=w.company_a, email=SECRETS["invitation"], sent_by=w.employer_a)
    w.join_request = JoinRequestFactory(company=w.company_a)

    # --- Follow-up group, support ---------------------------------------------------------
    w.followup = followup_services.follow(
        member=w.prescriber_a,
        job_seeker=w.job_seeker_a,
        role=FollowUpRole.REFERENT,
        prescriber_organization=w.prescriber_org_a,
    )
    w.support_request = support_services.request_create(
        user=w.job_seeker_a,
        email=None,
        category="pass",
        subject=SECRETS["support"],
        body=SECRETS["support"],
        attachment=pdf_upload(),
    )
    w.support_message = w.support_request.messages.get()

    # --- Marketplace ------------------------------------------------------------------------
    marketplace_services.commercial_profile_save(
        acting_user=w.employer_a,
        company=w.company_a,
        fields={
            "offer": "Nettoyage de bureaux.",
            "area_kind": AreaKind.RADIUS,
            "radius_km": 30,
            "departments": [],
            "contact_name": "Nathalie Employeuse",
            "contact_email": "commercial@sonde-a.example",
            "contact_phone": "0478701234",
            "is_published": True,
            "notification_mode": NotificationMode.INSTANT,
            "can_cocontract": False,
        },
        sectors=[w.sector],
    )
    w.buyer_a, w.buyer_org_a = _buyer(1, "Métropole Sonde A", commune=w.lyon)
    w.buyer_b, w.buyer_org_b = _buyer(2, "Entreprise Sonde B")
    w.buyer_a_pending, _ = _buyer(3, "Métropole Sonde A", siret_n=1)  # joins A's organization, pending
    w.buyer_pending_membership = BuyerMembership.objects.get(user=w.buyer_a_pending)
    assert not w.buyer_pending_membership.is_active
    w.staff = StaffFactory()
    need = marketplace_services.need_create(
        acting_user=w.buyer_a,
        organization=w.buyer_org_a,
        fields={
            "title": SECRETS["need"],
            "kind": NeedKind.QUOTE,
            "deadline": today + datetime.timedelta(days=20),
            "description": SECRETS["need"],
            "budget_band": "lt40k",
        },
        sectors=[w.sector],
        commune=w.lyon,
    )
    w.need = marketplace_services.need_review(acting_user=w.staff, need=need, approve=True)
    w.need_recipient = w.need.recipients.get(company=w.company_a)
    w.need_attachment = NeedAttachment(need=w.need, name="cahier.pdf", size=len(PDF))
    w.need_attachment.file.save("x.pdf", io.BytesIO(PDF), save=True)
    w.buyer_list = marketplace_services.buyer_list_add(
        acting_user=w.buyer_a, organization=w.buyer_org_a, list_name=SECRETS["list"], company=w.company_a
    )

    # --- API ------------------------------------------------------------------------------
    w.api_token_a = api_services.employer_token_create(acting_user=w.employer_a, company=w.company_a, name="Logiciel A")
    w.api_token_b = api_services.employer_token_create(acting_user=w.employer_b, company=w.company_b, name="Logiciel B")

    assert w.application.state == JobApplicationState.NEW
    assert Invitation.objects.filter(pk=w.invitation.pk).exists()
    return w
