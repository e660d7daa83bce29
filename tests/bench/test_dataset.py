"""The invariants of the generated world (demo scale, in the test database)."""

import datetime
import itertools
import json
import re
from collections import Counter, defaultdict

import pytest
from allauth.account.models import EmailAddress
from django.db import connection
from django.db.models import F, Max
from stdnum.fr import nir as stdnum_nir
from stdnum.fr import siret as stdnum_siret

from bench import dataset
from itou.companies.enums import CompanyKind
from itou.companies.models import Company, CompanyMembership, JobDescription
from itou.geo.models import Commune
from itou.institutions.models import Institution, InstitutionMembership
from itou.job_applications.enums import JobApplicationState, RefusalReason, SenderKind
from itou.job_applications.models import JobApplication, JobApplicationTransitionLog
from itou.job_applications.workflow import ARCHIVABLE_STATES, TRANSITIONS
from itou.prescribers.enums import AUTHORIZED_BY_LAW_KINDS, PrescriberAuthorizationStatus
from itou.prescribers.models import PrescriberMembership, PrescriberOrganization
from itou.users.enums import UserKind
from itou.users.models import JobSeekerProfile, User
from tests.bench.conftest import TODAY, generate

NOW = datetime.datetime.combine(TODAY, datetime.time(), datetime.UTC)
DEMO = dataset.SCALES["demo"]
SIZE_FIELDS = ["job_seekers", "companies", "job_descriptions", "prescriber_organizations", "applications"]


def test_scales_are_proportional():
    france, department, demo = (dataset.SCALES[name] for name in ("france", "department", "demo"))
    # DESIGN.md, France scale.
    assert [getattr(france, field) for field in SIZE_FIELDS] == [1_500_000, 10_000, 100_000, 30_000, 3_000_000]
    assert [getattr(department, field) * 100 for field in SIZE_FIELDS] == [getattr(france, f) for f in SIZE_FIELDS]
    assert department.department == demo.department == "69"
    assert sum(getattr(demo, field) for field in SIZE_FIELDS) < 1000
    for scale in (france, department, demo):
        assert scale.applications == 2 * scale.job_seekers
        assert scale.job_descriptions == 10 * scale.companies


def test_kind_mixes():
    kinds = dataset.allocate(10_000, dataset.COMPANY_KIND_WEIGHTS)
    assert sum(kinds.values()) == 10_000
    assert (kinds["ACI"], kinds["AI"], kinds["EI"], kinds["ETTI"]) == (3998, 1999, 1999, 800)
    assert set(kinds) == set(CompanyKind.values) - {"OPCS"}
    # Every kind even in a tiny world.
    assert min(dataset.allocate(DEMO.companies, dataset.COMPANY_KIND_WEIGHTS).values()) == 1
    prescribers = dataset.allocate(30_000, dataset.PRESCRIBER_KIND_WEIGHTS)
    by_law = sum(prescribers[kind] for kind in AUTHORIZED_BY_LAW_KINDS)
    validated = dataset.PRESCRIBER_STATUS_WEIGHTS["VALIDATED"] / sum(dataset.PRESCRIBER_STATUS_WEIGHTS.values())
    assert 0.58 < (by_law + (30_000 - by_law) * validated) / 30_000 < 0.62  # about 60 % authorized


def test_words_need_no_escaping_in_copy_lines():
    words = [
        *dataset.MALE_FIRST_NAMES,
        *dataset.FEMALE_FIRST_NAMES,
        *dataset.LAST_NAMES,
        *dataset.STREETS,
        *dataset.COMPANY_DESCRIPTIONS,
        *dataset.JOB_DESCRIPTIONS,
        *dataset.PROFILES_SOUGHT,
        *itertools.chain.from_iterable(dataset.COMPANY_NAMES.values()),
    ]
    assert not [word for word in words if dataset.copy_text(word) != word]


def test_counts(demo_world):
    assert User.objects.filter(kind=UserKind.JOB_SEEKER).count() == DEMO.job_seekers
    assert JobSeekerProfile.objects.count() == DEMO.job_seekers
    assert Company.objects.count() == DEMO.companies
    assert Counter(Company.objects.values_list("kind", flat=True)) == Counter(
        dataset.allocate(DEMO.companies, dataset.COMPANY_KIND_WEIGHTS)
    )
    assert JobDescription.objects.count() == DEMO.job_descriptions
    assert PrescriberOrganization.objects.count() == DEMO.prescriber_organizations
    assert JobApplication.objects.count() == DEMO.applications
    assert Institution.objects.count() == 3  # DDETS Rhône, DREETS Auvergne-Rhône-Alpes, DGEFP
    assert InstitutionMembership.objects.count() == 6
    # The report counts what was written.
    assert demo_world.tables[JobApplication._meta.db_table].rows == DEMO.applications
    assert demo_world.tables[User._meta.db_table].rows == User.objects.count()
    assert demo_world.tables[JobApplicationTransitionLog._meta.db_table].rows == (
        JobApplicationTransitionLog.objects.count()
    )
    # Every state, every sender kind.
    assert set(JobApplication.objects.values_list("state", flat=True)) == set(JobApplicationState.values)
    assert set(JobApplication.objects.values_list("sender_kind", flat=True)) == set(SenderKind.values)


def test_accounts(demo_world):
    # One verified primary address each: everybody can log in, with the same password.
    assert EmailAddress.objects.filter(verified=True, primary=True).count() == User.objects.count()
    assert not EmailAddress.objects.exclude(email=F("user__email")).exists()
    assert User.objects.get(email=f"candidat1@{dataset.EMAIL_DOMAIN}").check_password(dataset.BENCH_PASSWORD)
    assert User.objects.get(email=f"employeur1@{dataset.EMAIL_DOMAIN}").check_password(dataset.BENCH_PASSWORD)
    assert (
        User.objects.filter(kind=UserKind.PROFESSIONAL)
        .filter(
            company_memberships__isnull=True, prescriber_memberships__isnull=True, institution_memberships__isnull=True
        )
        .count()
        == 0
    )
    # Identifiers come from the sequences, set after the load: the ORM creates the next rows.
    last = User.objects.aggregate(last=Max("pk"))["last"]
    user = User.objects.create_user(email="nouveau@example.com", first_name="Nouveau", last_name="Compte")
    assert user.pk == last + 1
    log = JobApplicationTransitionLog.objects.create(
        job_application=JobApplication.objects.first(), transition="process", from_state="new", to_state="processing"
    )
    assert log.pk == JobApplicationTransitionLog.objects.count()


def test_organizations(demo_world):
    for company in Company.objects.prefetch_related("memberships"):
        members = list(company.memberships.all())
        assert 1 <= len(members) <= 3
        assert [member.is_admin for member in members].count(True) == 1
        assert stdnum_siret.is_valid(company.siret)
        assert (company.latitude, company.longitude) == (company.commune.latitude, company.commune.longitude)
        assert company.commune.department_id == "69"
        if company.parent_id:
            assert company.parent.kind == company.kind and company.parent.siren == company.siren
    for organization in PrescriberOrganization.objects.prefetch_related("memberships"):
        assert 1 <= organization.memberships.count() <= DEMO.max_prescriber_members
        assert stdnum_siret.is_valid(organization.siret)
        if organization.kind in AUTHORIZED_BY_LAW_KINDS:
            assert organization.authorization_status == PrescriberAuthorizationStatus.VALIDATED
    for memberships in (CompanyMembership.objects, PrescriberMembership.objects, InstitutionMembership.objects):
        assert not memberships.filter(joined_at__lt=F("user__date_joined")).exists()
    # Communes weighted by population: never one without inhabitants or coordinates.
    used = set(Company.objects.values_list("commune", flat=True)) | set(
        JobSeekerProfile.objects.values_list("commune", flat=True)
    )
    assert used <= set(Commune.objects.filter(department="69", population__gt=0).values_list("code", flat=True))
    assert "69004" not in used and "69003" not in used


def test_job_descriptions_coordinates(demo_world):
    for job in JobDescription.objects.select_related("location", "company"):
        place = job.location or job.company
        assert (job.latitude, job.longitude) == (place.latitude, place.longitude)
        if job.location:
            assert job.location.department_id == job.company.commune.department_id
    assert JobDescription.objects.filter(location__isnull=False).exists()
    assert JobDescription.objects.filter(location__isnull=True).exists()
    # Every employer has some; ranks follow each other.
    for company in Company.objects.prefetch_related("job_descriptions"):
        assert [job.ui_rank for job in company.job_descriptions.all()] == list(range(company.job_descriptions.count()))


def test_selected_jobs(demo_world):
    through = JobApplication.selected_jobs.through.objects.select_related("jobapplication", "jobdescription")
    assert through.exists()
    for row in through:
        assert row.jobdescription.company_id == row.jobapplication.to_company_id
        assert row.jobdescription.created_at <= row.jobapplication.created_at
    spontaneous = JobApplication.objects.filter(selected_jobs__isnull=True).count()
    assert 0.2 * DEMO.applications < spontaneous < 0.6 * DEMO.applications


def test_nirs_are_valid_and_unique(demo_world):
    profiles = list(JobSeekerProfile.objects.select_related("user"))
    nirs = [profile.nir for profile in profiles if profile.nir]
    assert len(nirs) == len(set(nirs)) > 0.9 * len(profiles)
    for profile in profiles:
        assert bool(profile.nir) != bool(profile.lack_of_nir_reason)
        if profile.nir:
            stdnum_nir.validate(profile.nir)
            assert profile.nir[0] in "12"
            assert profile.nir[1:5] == profile.birthdate.strftime("%y%m")


def test_senders_are_coherent(demo_world):
    prescriber_members = set(PrescriberMembership.objects.values_list("organization", "user"))
    company_members = set(CompanyMembership.objects.values_list("company", "user"))
    for application in JobApplication.objects.all():
        if application.sender_kind == SenderKind.PRESCRIBER:
            assert (application.sender_prescriber_organization_id, application.sender_id) in prescriber_members
            assert application.sender_company_id is None
        elif application.sender_kind == SenderKind.EMPLOYER:
            assert application.sender_company_id == application.to_company_id
            assert (application.sender_company_id, application.sender_id) in company_members
            assert application.sender_prescriber_organization_id is None
        else:
            assert application.sender_id == application.job_seeker_id
            assert application.sender_company_id is application.sender_prescriber_organization_id is None


def test_decisions(demo_world):
    for application in JobApplication.objects.select_related("to_company"):
        state = application.state
        assert (state == JobApplicationState.REFUSED) == bool(application.refusal_reason)
        if state in (JobApplicationState.ACCEPTED, JobApplicationState.CANCELLED):
            assert application.hiring_start_at
            assert application.hiring_start_at >= application.created_at.date()
        if application.hiring_end_at:
            assert application.hiring_end_at >= application.hiring_start_at
        if state == JobApplicationState.PRIOR_TO_HIRE or application.prior_action_kind:
            assert application.to_company.kind == CompanyKind.GEIQ
        if application.archived_at:
            assert state in ARCHIVABLE_STATES
        assert (state == JobApplicationState.NEW) == (application.processed_at is None)
        assert application.created_at <= application.updated_at <= NOW
    # No idle application left for the daily auto-refusal (60 days).
    assert not JobApplication.objects.filter(
        state__in=["new", "processing"], updated_at__lt=NOW - datetime.timedelta(days=60)
    ).exists()
    # A job seeker never applies twice to the same employer within 24 hours.
    applications = JobApplication.objects.order_by("job_seeker", "to_company", "created_at")
    for _key, group in itertools.groupby(applications, key=lambda a: (a.job_seeker_id, a.to_company_id)):
        moments = [application.created_at for application in group]
        assert all(b - a >= datetime.timedelta(hours=24) for a, b in itertools.pairwise(moments))


def test_transition_logs(demo_world):
    logs = defaultdict(list)
    for log in JobApplicationTransitionLog.objects.order_by("timestamp", "pk"):
        logs[log.job_application_id].append(log)
    applications = {application.pk: application for application in JobApplication.objects.select_related("to_company")}
    company_members = set(CompanyMembership.objects.values_list("company", "user"))
    assert set(logs) == set(applications)
    for pk, chain in logs.items():
        application = applications[pk]
        creation, *others = chain
        assert (creation.transition, creation.from_state, creation.to_state) == (
            dataset.CREATION_TRANSITION,
            "new",
            "new",
        )
        assert creation.timestamp == application.created_at and creation.user_id == application.sender_id
        assert creation.details == {"sender_kind": application.sender_kind}
        state = "new"
        for log in others:
            assert log.from_state == state
            if log.transition == dataset.ARCHIVE_LOG:
                assert log.to_state == state and log.timestamp == application.archived_at
                assert log.user_id == application.archived_by_id
                continue
            transition = TRANSITIONS[log.transition]
            assert state in transition.sources and log.to_state == transition.target
            if log.transition == "move_to_prior_to_hire":
                assert application.to_company.kind == CompanyKind.GEIQ
            if log.user_id is None:  # the platform
                assert log.transition == "render_obsolete" or log.details["refusal_reason"] == RefusalReason.AUTO
            else:
                assert (application.to_company_id, log.user_id) in company_members
            state = log.to_state
        assert state == application.state  # the logs end in the current state
        decisions = [log for log in others if log.transition != dataset.ARCHIVE_LOG]
        assert application.processed_at == (decisions[-1].timestamp if decisions else None)
        assert chain[-1].timestamp <= NOW


def test_obsolete_applications_follow_a_hire(demo_world):
    accepted = {
        log.job_application_id: log.timestamp for log in JobApplicationTransitionLog.objects.filter(transition="accept")
    }
    obsolete = JobApplicationTransitionLog.objects.filter(transition="render_obsolete").select_related(
        "job_application"
    )
    assert obsolete.exists()
    for log in obsolete:
        hire = JobApplication.objects.get(pk=log.details["accepted_job_application"])
        assert hire.job_seeker_id == log.job_application.job_seeker_id
        assert accepted[hire.pk] < log.timestamp
        assert log.job_application.created_at < accepted[hire.pk]


def digest() -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT md5(
                (SELECT string_agg(concat_ws('|', id, email, first_name, last_name, date_joined), ',' ORDER BY id)
                 FROM users_user)
                || (SELECT string_agg(concat_ws('|', user_id, nir, birthdate), ',' ORDER BY user_id)
                    FROM users_jobseekerprofile)
                || (SELECT string_agg(concat_ws('|', id, state, to_company_id, sender_id, created_at), ','
                                      ORDER BY id) FROM job_applications_jobapplication)
                || (SELECT string_agg(concat_ws('|', id, transition, timestamp, details), ',' ORDER BY id)
                    FROM job_applications_jobapplicationtransitionlog)
            )
            """
        )
        return cursor.fetchone()[0]


def schema() -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint
            WHERE connamespace = 'public'::regnamespace
            UNION ALL
            SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'
            ORDER BY 1, 2, 3
            """
        )
        # Rebuilt from pg_get_indexdef(), a predicate may come back with its casts written
        # another way: "(ARRAY['A'::varchar])::text[]" becomes "ARRAY[('A'::varchar)::text]".
        return [(table, name, re.sub(r"::[a-z ]+(\[\])?|[() ]", "", text)) for table, name, text in cursor.fetchall()]


def test_same_seed_same_world(demo_world):
    first, before = digest(), schema()
    # Empties the tables, then the same rows again; this time with the France-scale
    # path: keys, indexes and foreign keys dropped, then rebuilt the same.
    report = generate(rebuild_indexes=True)
    assert digest() == first
    assert schema() == before
    assert report.tables[JobApplication._meta.db_table].index_seconds > 0
    assert JobApplication.objects.count() == DEMO.applications
    generate(seed=2)
    assert digest() != first


def test_refuses_without_reference_data():
    with pytest.raises(dataset.GenerationError, match="import_geo"):
        generate()


def test_a_later_step_sees_the_hires(reference_data, monkeypatch):
    """How a step plugs in: registered after the applications, it reads the hires."""
    seen = []

    def later(generation):
        seen.extend(generation.hires)

    monkeypatch.setitem(dataset.STEPS, "later", dataset.Step("later", (), later))
    report = generate()
    assert list(report.steps) == [*list(report.steps)[:-1], "later"]
    hires = {
        str(pk): start
        for pk, start in JobApplication.objects.filter(state__in=["accepted", "cancelled"]).values_list(
            "pk", "hiring_start_at"
        )
    }
    assert {hire.application_id: datetime.date.fromordinal(hire.hiring_start) for hire in seen} == hires


def test_log_details_are_json(demo_world):
    with connection.cursor() as cursor:
        cursor.execute("SELECT details::text FROM job_applications_jobapplicationtransitionlog")
        for (text,) in cursor.fetchall():
            assert isinstance(json.loads(text), dict)


def test_pass_iae_behind_the_siae_hires(reference_data):
    """Every hire in an SIAE has its diagnosis (with criteria) and its PASS IAE; a PASS whose
    hires were all cancelled is withdrawn; suspensions and prolongations lengthen the PASS."""
    from itou.approvals.models import Approval, ApprovalHire, Suspension
    from itou.companies.enums import SIAE_KINDS
    from itou.eligibility.models import AdministrativeCriteria, EligibilityDiagnosis

    for kind, level in [("RSA", "1"), ("ASS", "1"), ("JEUNE", "2"), ("QPV", "2"), ("DELD", "2")]:
        AdministrativeCriteria.objects.create(kind=kind, level=level, name=kind)
    generate()

    hires = JobApplication.objects.filter(
        state__in=["accepted", "cancelled"], to_company__kind__in=list(SIAE_KINDS), hiring_start_at__isnull=False
    )
    assert hires.exists()
    assert not hires.filter(eligibility_diagnosis__isnull=True).exists()
    assert ApprovalHire.objects.count() == hires.count()
    assert not EligibilityDiagnosis.objects.filter(administrative_criteria__isnull=True).exists()
    with_hires = Approval.objects.filter(hires__isnull=False).distinct()
    assert with_hires.count() == hires.values("job_seeker").distinct().count()
    for hire in ApprovalHire.objects.select_related("approval", "job_application"):
        assert hire.approval.job_seeker_id == hire.job_application.job_seeker_id
        assert (hire.cancelled_at is None) == (hire.job_application.state == "accepted")
    current = {approval.job_seeker_id: approval for approval in with_hires}
    earlier = 0
    for approval in Approval.objects.prefetch_related("hires", "eligibility_diagnosis__administrative_criteria"):
        if approval.hires.all():
            assert (approval.cancelled_at is None) == any(h.cancelled_at is None for h in approval.hires.all())
            continue
        # An earlier PASS, expired: two years long, ended 2 years (waiting period) before the next one.
        earlier += 1
        following = current[approval.job_seeker_id]
        assert approval.cancelled_at is None and approval.status() == "expired"
        assert approval.end_at == approval.start_at + datetime.timedelta(days=729)
        assert (following.start_at - approval.end_at).days > 730
        assert approval.eligibility_diagnosis.job_seeker_id == approval.job_seeker_id
        assert approval.eligibility_diagnosis.administrative_criteria.all()
        assert approval.eligibility_diagnosis.created_at < approval.created_at
    assert 0 < earlier < len(current)
    assert len(set(Approval.objects.values_list("number", flat=True))) == Approval.objects.count()
    for suspension in Suspension.objects.select_related("approval"):
        assert suspension.approval.start_at <= suspension.start_at <= suspension.end_at <= suspension.approval.end_at
