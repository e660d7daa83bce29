"""Eligibility diagnoses of the demo world (docs/eligibilite.md).

`load_demo_eligibility_diagnoses()` must run in `itou.demo.world.load_demo` **before**
`load_demo_job_applications()`: the demo hires in SIAE need a valid diagnosis
(`job_application_accept` refuses them otherwise). Each demo job seeker gets a diagnosis
by the first authorized demo prescriber organization, through the service, with the
criteria their profile shows (age, education level) plus one level-1 criterion for the
first ones. Idempotent: a job seeker who already has a valid diagnosis is skipped.
"""

from django.utils import timezone

from itou.eligibility import rules, services
from itou.eligibility.models import AdministrativeCriteria
from itou.eligibility.queries import get_valid_diagnosis
from itou.prescribers.models import PrescriberOrganization
from itou.users.models import User

# Level-1 criteria given to the first demo job seekers, in order (the others: profile only).
DEMO_LEVEL_1_KINDS = ("RSA", "ASS", "DETLD")


def load_demo_eligibility_diagnoses() -> int:
    """Returns how many diagnoses were created (0 when the demo world or the criteria are missing)."""
    from itou.demo.world import JOB_SEEKERS, PRESCRIBERS

    by_kind = AdministrativeCriteria.objects.in_bulk(field_name="kind")
    organizations = [
        PrescriberOrganization.objects.filter(siret=demo.siret, kind=demo.kind).first() for demo in PRESCRIBERS
    ]
    organization = next((o for o in organizations if o is not None and o.is_authorized), None)
    if not by_kind or organization is None:
        return 0
    author = organization.memberships.filter(is_active=True).order_by("-is_admin", "pk").first()
    if author is None:
        return 0
    created = 0
    today = timezone.localdate()
    for index, demo in enumerate(JOB_SEEKERS):
        job_seeker = User.objects.select_related("jobseeker_profile").filter(email=demo.person.email).first()
        if job_seeker is None or get_valid_diagnosis(job_seeker=job_seeker) is not None:
            continue
        kinds = rules.criteria_kinds_from_profile(getattr(job_seeker, "jobseeker_profile", None), today=today)
        if index < len(DEMO_LEVEL_1_KINDS):
            kinds.add(DEMO_LEVEL_1_KINDS[index])
        services.eligibility_diagnosis_create(
            acting_user=author.user,
            job_seeker=job_seeker,
            author_organization=organization,
            criteria=[by_kind[kind] for kind in kinds if kind in by_kind],
        )
        created += 1
    return created
