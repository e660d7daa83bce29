"""The services beyond the table: input rules, side effects, hooks, emails."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from itou.companies.enums import CompanyKind
from itou.job_applications import services
from itou.job_applications.enums import JobApplicationState as S
from itou.job_applications.models import JobApplication, JobApplicationComment, JobApplicationTransitionLog
from itou.job_applications.workflow import TransitionNotAllowed
from tests.companies.factories import CompanyFactory, CompanyMembershipFactory
from tests.helpers import assert_in_email_layout, last_email_to, run_pending_jobs
from tests.job_applications.conftest import Cast
from tests.job_applications.factories import JobApplicationFactory, days_from_today, make_job_description

PREFIX = "[Les emplois de l'inclusion] "


def accept(cast, **kwargs):
    kwargs.setdefault("hiring_start_at", days_from_today(0))
    return services.job_application_accept(acting_user=cast.employer, job_application=cast.job_application, **kwargs)


# --- accept ------------------------------------------------------------------------------


@pytest.mark.parametrize("days", [0, 1, 30])
def test_accept_start_date_window(cast, days):
    result = accept(cast, hiring_start_at=days_from_today(days))
    assert result.state == S.ACCEPTED
    assert result.hiring_start_at == days_from_today(days)


@pytest.mark.parametrize(
    "start, end, field, message",
    [
        (None, None, "hiring_start_at", "Indiquez la date de début"),
        (-60, None, "hiring_start_at", "ne peut pas être dans le passé"),  # two months back
        (-1, None, "hiring_start_at", "ne peut pas être dans le passé"),  # yesterday: no backdating
        (31, None, "hiring_start_at", "plus de 30 jours"),
        (5, 4, "hiring_end_at", "ne peut pas précéder sa date de début"),
    ],
)
def test_accept_bad_dates(cast, start, end, field, message):
    with pytest.raises(ValidationError) as error:
        accept(
            cast,
            hiring_start_at=None if start is None else days_from_today(start),
            hiring_end_at=None if end is None else days_from_today(end),
        )
    assert message in " ".join(error.value.message_dict[field])
    cast.job_application.refresh_from_db()
    assert cast.job_application.state == S.NEW
    assert not cast.job_application.logs.exists()


def test_accept_end_same_day_as_start(cast):
    result = accept(cast, hiring_start_at=days_from_today(2), hiring_end_at=days_from_today(2))
    assert result.hiring_end_at == days_from_today(2)


def test_accept_calls_on_hire_once_inside_the_transaction(cast, monkeypatch):
    hired = []
    monkeypatch.setattr(services, "on_hire", lambda job_application: hired.append(job_application.state))
    accept(cast)
    assert hired == [S.ACCEPTED]


def test_failing_on_hire_rolls_the_hire_back(cast, monkeypatch):
    other = JobApplicationFactory(job_seeker=cast.job_seeker)

    def boom(job_application):
        raise RuntimeError("PASS IAE")

    monkeypatch.setattr(services, "on_hire", boom)
    with pytest.raises(RuntimeError):
        accept(cast)
    cast.job_application.refresh_from_db()
    other.refresh_from_db()
    assert (cast.job_application.state, other.state) == (S.NEW, S.NEW)
    assert not JobApplicationTransitionLog.objects.exists()


def test_accept_clears_an_earlier_refusal():
    cast = Cast(state=S.REFUSED, refusal_reason="no_position", refusal_reason_shared_with_job_seeker=True)
    result = accept(cast)
    assert (result.refusal_reason, result.refusal_reason_shared_with_job_seeker) == ("", False)


def test_accept_emails_job_seeker_and_prescriber(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        accept(cast, hiring_start_at=days_from_today(3), answer="Rendez-vous à 8 h au dépôt.")
    run_pending_jobs()
    start = days_from_today(3)
    for user in (cast.job_seeker, cast.prescriber):
        email = last_email_to(user.email)
        assert email.subject == PREFIX + f"Candidature acceptée chez {cast.company.display_name}"
        assert "Le contrat commence le" in email.body
        assert str(start.day) in email.body
        assert "Rendez-vous à 8 h au dépôt." in email.body
        assert f"/candidatures/{cast.job_application.pk}/" in email.body
        assert assert_in_email_layout(email).endswith(f"/candidatures/{cast.job_application.pk}/")
    assert "Votre candidature" not in last_email_to(cast.prescriber.email).body
    assert cast.job_seeker.get_full_name() in last_email_to(cast.prescriber.email).body


def test_no_email_before_commit(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        accept(cast)
    assert run_pending_jobs() == 0


# --- update the contract dates -----------------------------------------------------------


def accepted_cast(start_days=5, end_days=None):
    cast = Cast(state=S.ACCEPTED)
    JobApplication.objects.filter(pk=cast.job_application.pk).update(
        hiring_start_at=days_from_today(start_days),
        hiring_end_at=None if end_days is None else days_from_today(end_days),
    )
    cast.job_application.refresh_from_db()
    return cast


def update(cast, start, end=None):
    return services.job_application_update_hiring_start(
        acting_user=cast.employer,
        job_application=cast.job_application,
        hiring_start_at=None if start is None else days_from_today(start),
        hiring_end_at=None if end is None else days_from_today(end),
    )


def test_update_hiring_start(django_capture_on_commit_callbacks):
    cast = accepted_cast(5)
    with django_capture_on_commit_callbacks(execute=True):
        result = update(cast, 20, 200)
    assert (result.hiring_start_at, result.hiring_end_at) == (days_from_today(20), days_from_today(200))
    log = result.logs.get()
    assert log.transition == "update_hiring_start"
    assert log.details["previous_hiring_start_at"] == days_from_today(5).isoformat()
    run_pending_jobs()
    assert last_email_to(cast.job_seeker.email).subject.startswith(PREFIX + "Nouvelles dates de contrat")


def test_update_hiring_start_moves_at_most_30_days():
    cast = accepted_cast(30)
    with pytest.raises(ValidationError) as error:
        update(cast, -1)  # 31 days before the current start (and in the past)
    assert error.value.message_dict["hiring_start_at"]
    update(cast, 0)  # 30 days before the current start: allowed
    cast.job_application.refresh_from_db()
    assert cast.job_application.hiring_start_at == days_from_today(0)


@pytest.mark.parametrize("start, end", [(31, None), (-60, None), (10, 9)])
def test_update_hiring_start_same_rules_as_accept(start, end):
    cast = accepted_cast(5)
    with pytest.raises(ValidationError):
        update(cast, start, end)


@pytest.mark.parametrize("current_start", [0, -10])
def test_update_hiring_start_of_a_started_contract(current_start):
    """A contract that starts today has started: its dates are declared by staff."""
    cast = accepted_cast(current_start)
    with pytest.raises(ValidationError) as error:
        update(cast, 5)
    assert "déjà commencé" in error.value.message_dict["hiring_start_at"][0]


def test_update_hiring_start_only_when_accepted():
    cast = Cast(state=S.CANCELLED)
    with pytest.raises(TransitionNotAllowed):
        update(cast, 3)


# --- refuse ------------------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "auto", "not_a_reason"])
def test_refuse_requires_an_employer_reason(cast, reason):
    with pytest.raises(ValidationError) as error:
        services.job_application_refuse(
            acting_user=cast.employer,
            job_application=cast.job_application,
            refusal_reason=reason,
            share_reason_with_job_seeker=False,
        )
    assert error.value.message_dict == {"refusal_reason": ["Choisissez le motif du refus."]}
    cast.job_application.refresh_from_db()
    assert cast.job_application.state == S.NEW


def refuse(cast, *, shared):
    return services.job_application_refuse(
        acting_user=cast.employer,
        job_application=cast.job_application,
        refusal_reason="lacking_skills",
        share_reason_with_job_seeker=shared,
        answer="Merci pour votre intérêt.",
        answer_to_prescriber="Il manque le permis B.",
    )


def test_refuse_reason_shared(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        result = refuse(cast, shared=True)
    assert (result.refusal_reason, result.refusal_reason_shared_with_job_seeker) == ("lacking_skills", True)
    assert result.answer_to_prescriber == "Il manque le permis B."
    run_pending_jobs()
    body = last_email_to(cast.job_seeker.email).body
    assert "Motif : Le candidat n'a pas les compétences requises pour le poste" in body
    assert "Merci pour votre intérêt." in body
    assert "permis B" not in body


def test_refuse_reason_not_shared(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        refuse(cast, shared=False)
    run_pending_jobs()
    job_seeker_email = last_email_to(cast.job_seeker.email)
    assert job_seeker_email.subject == PREFIX + f"Candidature déclinée par {cast.company.display_name}"
    assert "Motif" not in job_seeker_email.body
    assert "permis B" not in job_seeker_email.body
    prescriber_body = last_email_to(cast.prescriber.email).body
    assert "Motif : Le candidat n'a pas les compétences requises" in prescriber_body
    assert "Il manque le permis B." in prescriber_body


# --- other transitions ------------------------------------------------------------------


def test_postpone_requires_a_comment(cast):
    with pytest.raises(ValidationError) as error:
        services.job_application_postpone(acting_user=cast.employer, job_application=cast.job_application, comment="  ")
    assert "comment" in error.value.message_dict


def test_postpone_comment_goes_to_the_job_seeker(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.job_application_postpone(
            acting_user=cast.employer, job_application=cast.job_application, comment="Nous recrutons en mars."
        )
    run_pending_jobs()
    assert "« Nous recrutons en mars. »" in last_email_to(cast.job_seeker.email).body


def test_prior_action_requires_a_kind():
    cast = Cast(company_kind=CompanyKind.GEIQ)
    with pytest.raises(ValidationError):
        services.job_application_move_to_prior_to_hire(
            acting_user=cast.employer, job_application=cast.job_application, prior_action_kind=""
        )
    result = services.job_application_move_to_prior_to_hire(
        acting_user=cast.employer, job_application=cast.job_application, prior_action_kind="PMSMP"
    )
    assert (result.state, result.prior_action_kind) == (S.PRIOR_TO_HIRE, "PMSMP")


def test_cancel_refused_once_the_employee_record_was_sent(monkeypatch):
    cast = Cast(state=S.ACCEPTED)
    monkeypatch.setattr(services, "employee_record_was_sent", lambda job_application: True)
    with pytest.raises(ValidationError) as error:
        services.job_application_cancel(acting_user=cast.employer, job_application=cast.job_application)
    assert "fiche salarié" in error.value.messages[0]
    cast.job_application.refresh_from_db()
    assert cast.job_application.state == S.ACCEPTED


def test_cancel_calls_its_hook(monkeypatch, django_capture_on_commit_callbacks):
    cast = Cast(state=S.ACCEPTED)
    cancelled = []
    monkeypatch.setattr(services, "on_hire_cancelled", cancelled.append)
    with django_capture_on_commit_callbacks(execute=True):
        result = services.job_application_cancel(acting_user=cast.employer, job_application=cast.job_application)
    assert cancelled == [result]
    run_pending_jobs()
    assert last_email_to(cast.job_seeker.email).subject == PREFIX + f"Embauche annulée chez {cast.company.display_name}"


# --- stale pages and double clicks -------------------------------------------------------


def test_double_click(cast):
    services.job_application_process(
        acting_user=cast.employer, job_application=cast.job_application, expected_state=S.NEW
    )
    with pytest.raises(TransitionNotAllowed):
        services.job_application_process(
            acting_user=cast.employer, job_application=cast.job_application, expected_state=S.NEW
        )
    assert cast.job_application.logs.count() == 1


def test_stale_page_does_not_accept_what_a_colleague_refused(cast):
    """Accepting is allowed from refused, but not from a page that still showed "new"."""
    services.job_application_refuse(
        acting_user=cast.colleague,
        job_application=cast.job_application,
        refusal_reason="no_position",
        share_reason_with_job_seeker=False,
    )
    with pytest.raises(TransitionNotAllowed):
        accept(cast, expected_state=S.NEW)
    cast.job_application.refresh_from_db()
    assert cast.job_application.state == S.REFUSED


# --- transfer ----------------------------------------------------------------------------


def test_transfer(django_capture_on_commit_callbacks):
    cast = Cast(state=S.PROCESSING)
    job = make_job_description(cast.company)
    cast.job_application.selected_jobs.set([job])
    services.job_application_add_comment(
        acting_user=cast.employer, job_application=cast.job_application, message="Note"
    )
    second = CompanyFactory(kind=CompanyKind.EI, with_member=True)
    second_member = second.memberships.get().user
    CompanyMembershipFactory(company=second, user=cast.employer)
    with django_capture_on_commit_callbacks(execute=True):
        result = services.job_application_transfer(
            acting_user=cast.employer, job_application=cast.job_application, to_company=second
        )
    assert (result.state, result.to_company, result.transferred_from) == (S.NEW, second, cast.company)
    assert result.transferred_by == cast.employer
    assert not result.selected_jobs.exists()
    log = result.logs.get()
    assert log.details["selected_jobs"] == ["Maraîcher / Maraîchère"]
    assert log.details["from_company"] == cast.company.display_name
    # The comment stays with the first employer (its members no longer see the application).
    assert JobApplicationComment.objects.get().company == cast.company
    with pytest.raises(PermissionDenied):
        services.job_application_process(acting_user=cast.colleague, job_application=result)
    run_pending_jobs()
    assert (
        last_email_to(second_member.email).subject
        == PREFIX + f"Candidature transférée : {cast.job_seeker.get_full_name()}"
    )
    assert last_email_to(cast.job_seeker.email).subject == PREFIX + f"Candidature transférée à {second.display_name}"
    assert last_email_to(cast.prescriber.email).subject == PREFIX + f"Candidature transférée à {second.display_name}"


@pytest.mark.parametrize("target", ["same", "not_member", "opcs", "inactive"])
def test_transfer_target_rules(cast, target):
    if target == "same":
        company = cast.company
    else:
        company = CompanyFactory(
            kind=CompanyKind.OPCS if target == "opcs" else CompanyKind.EI, is_active=target != "inactive"
        )
        if target != "not_member":
            CompanyMembershipFactory(company=company, user=cast.employer)
    with pytest.raises(ValidationError) as error:
        services.job_application_transfer(
            acting_user=cast.employer, job_application=cast.job_application, to_company=company
        )
    assert "to_company" in error.value.message_dict
    cast.job_application.refresh_from_db()
    assert cast.job_application.to_company == cast.company


# --- archive, comments -------------------------------------------------------------------


@pytest.mark.parametrize("state", [S.NEW, S.PROCESSING, S.POOL, S.POSTPONED, S.PRIOR_TO_HIRE, S.ACCEPTED])
def test_archive_only_closed_applications(state):
    cast = Cast(state=state)
    with pytest.raises(TransitionNotAllowed):
        services.job_application_archive(acting_user=cast.employer, job_application=cast.job_application)


@pytest.mark.parametrize("state", [S.REFUSED, S.CANCELLED, S.OBSOLETE])
def test_archive_and_unarchive(state):
    cast = Cast(state=state)
    result = services.job_application_archive(acting_user=cast.employer, job_application=cast.job_application)
    assert result.archived_at is not None and result.archived_by == cast.employer
    with pytest.raises(TransitionNotAllowed):
        services.job_application_archive(acting_user=cast.employer, job_application=cast.job_application)
    result = services.job_application_unarchive(acting_user=cast.employer, job_application=cast.job_application)
    assert result.archived_at is None
    with pytest.raises(TransitionNotAllowed):
        services.job_application_unarchive(acting_user=cast.employer, job_application=cast.job_application)
    assert [log.transition for log in result.logs.all()] == ["archive", "unarchive"]


def test_a_decision_brings_an_archived_application_back():
    cast = Cast(state=S.REFUSED)
    services.job_application_archive(acting_user=cast.employer, job_application=cast.job_application)
    assert accept(cast).archived_at is None


def test_comment(cast):
    with pytest.raises(ValidationError):
        services.job_application_add_comment(
            acting_user=cast.employer, job_application=cast.job_application, message=" "
        )
    for user in (cast.prescriber, cast.job_seeker, cast.other_employer):
        with pytest.raises(PermissionDenied):
            services.job_application_add_comment(acting_user=user, job_application=cast.job_application, message="x")
    comment = services.job_application_add_comment(
        acting_user=cast.colleague, job_application=cast.job_application, message="Appelée le 3 mars."
    )
    assert (comment.company, comment.author, comment.message) == (cast.company, cast.colleague, "Appelée le 3 mars.")
    assert not cast.job_application.logs.exists()


def test_hiring_dates_errors_boundaries():
    today = datetime.date(2026, 3, 10)
    assert services.hiring_dates_errors(today, None, today=today) == {}  # today: the earliest
    assert "hiring_start_at" in services.hiring_dates_errors(datetime.date(2026, 3, 9), None, today=today)
    assert services.hiring_dates_errors(datetime.date(2026, 4, 9), None, today=today) == {}
    assert "hiring_start_at" in services.hiring_dates_errors(datetime.date(2026, 4, 10), None, today=today)
