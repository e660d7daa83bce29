"""Applications in any state, from any kind of sender.

`JobApplicationFactory()` is a job seeker's own application to an ACI with one admin member;
`JobApplicationFactory(sent_by_prescriber=True)` comes from an authorized prescriber
(with a member, the sender); `sent_by_employer=True` is an auto-prescription. Give
`state=` for any state: the fields a state requires (start date, refusal reason) are filled.
`employer_of(job_application)` is a member of the receiving employer.
"""

import datetime

import factory
from django.utils import timezone

from itou.job_applications.enums import JobApplicationState, RefusalReason, SenderKind
from itou.job_applications.models import JobApplication
from tests.companies.factories import CompanyFactory
from tests.prescribers.factories import PrescriberOrganizationFactory
from tests.users.factories import JobSeekerFactory

HIRED_STATES = {JobApplicationState.ACCEPTED, JobApplicationState.CANCELLED}


def _first_member(organization):
    return organization.memberships.order_by("pk").first().user


class JobApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JobApplication
        skip_postgeneration_save = True

    class Params:
        sent_by_prescriber = factory.Trait(
            sender_kind=SenderKind.PRESCRIBER,
            sender_prescriber_organization=factory.SubFactory(
                PrescriberOrganizationFactory, authorized=True, with_member=True
            ),
            sender=factory.LazyAttribute(lambda o: _first_member(o.sender_prescriber_organization)),
        )
        sent_by_employer = factory.Trait(
            sender_kind=SenderKind.EMPLOYER,
            sender_company=factory.SelfAttribute("to_company"),
            sender=factory.LazyAttribute(lambda o: _first_member(o.to_company)),
        )

    job_seeker = factory.SubFactory(JobSeekerFactory)
    to_company = factory.SubFactory(CompanyFactory, with_member=True)
    sender_kind = SenderKind.JOB_SEEKER
    sender = factory.SelfAttribute("job_seeker")
    message = "Bonjour, je souhaite rejoindre votre équipe."
    state = JobApplicationState.NEW
    hiring_start_at = factory.LazyAttribute(lambda o: timezone.localdate() if o.state in HIRED_STATES else None)
    refusal_reason = factory.LazyAttribute(
        lambda o: RefusalReason.OTHER if o.state == JobApplicationState.REFUSED else ""
    )

    @factory.post_generation
    def selected_jobs(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.selected_jobs.set(extracted)

    @factory.post_generation
    def with_eligibility_diagnosis(obj, create, extracted, **kwargs):
        """An SIAE hires only with a valid diagnosis: give the job seeker one, unless told not to."""
        from itou.companies.enums import SIAE_KINDS

        if create and extracted is not False and obj.to_company.kind in SIAE_KINDS:
            from tests.eligibility.factories import IAEDiagnosisFactory

            IAEDiagnosisFactory(job_seeker=obj.job_seeker)


def employer_of(job_application):
    return _first_member(job_application.to_company)


def days_from_today(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def make_job_description(company, *, title: str = "Maraîcher / Maraîchère", code: str = "11987"):
    """An open job description of `company` (the ROME rows it needs are created once)."""
    from itou.companies.enums import ContractType
    from itou.companies.models import JobDescription
    from itou.jobs.models import Appellation, Rome, RomeDomain

    domain, _ = RomeDomain.objects.get_or_create(code="A", defaults={"name": "Agriculture et pêche"})
    rome, _ = Rome.objects.get_or_create(
        code="A1414", defaults={"name": "Horticulture et maraîchage", "domain": domain}
    )
    appellation, _ = Appellation.objects.get_or_create(code=code, defaults={"name": title, "rome": rome})
    return JobDescription.objects.create(
        company=company, appellation=appellation, custom_title=title, contract_type=ContractType.FIXED_TERM_I
    )
