"""The employer's accept action goes through the eligibility diagnosis when needed."""

import pytest
from django.urls import reverse

from itou.companies.enums import CompanyKind
from itou.job_applications.enums import JobApplicationState as S
from itou.job_applications.models import JobApplication
from tests.eligibility.factories import (
    GEIQDiagnosisFactory,
    IAEDiagnosisFactory,
    cast_without_diagnosis,
    criteria,
    employer_diagnosis,
)
from tests.job_applications.factories import days_from_today
from tests.www.applications.conftest import login


def accept_url(job_application):
    return reverse("applications:action", args=[job_application.pk, "accepter"])


def step_url(job_application):
    return reverse("eligibility:accept", args=[job_application.pk])


def ids(*kinds):
    by_kind = criteria()
    return [by_kind[kind].pk for kind in kinds]


def accept(client, job_application):
    return client.post(
        accept_url(job_application),
        {"expected_state": job_application.state, "hiring_start_at": days_from_today(1)},
        follow=True,
    )


def messages(response):
    return [str(message) for message in response.context["messages"]]


def test_siae_without_diagnosis_makes_it_inside_accept(client):
    cast = cast_without_diagnosis(company_kind=CompanyKind.ACI)
    login(client, cast.employer)
    response = client.get(accept_url(cast.job_application))
    assert response.status_code == 302 and response["Location"] == step_url(cast.job_application)

    page = client.get(step_url(cast.job_application))
    content = page.content.decode()
    assert "Étape 1 sur 2" in content
    assert "Justificatif à conserver : Attestation RSA" in content
    assert "Cochez au moins 1 critère de niveau 1, ou sinon au moins 3 critères de niveau 2" in content
    # CAP/BEP pre-ticked from the profile (education level 51).
    assert f'value="{ids("CAP_BEP")[0]}" aria-describedby="critere-{ids("CAP_BEP")[0]}-aide" checked' in content

    # Two level-2 criteria: one below the ACI threshold.
    page = client.post(step_url(cast.job_application), {"administrative_criteria": ids("CAP_BEP", "TH")})
    assert page.status_code == 200
    content = page.content.decode()
    assert "Vous avez coché 2 critères de niveau 2." in content
    # Nothing in particular is wrong with the ticked criteria: none is marked as an error.
    assert "fr-checkbox-group--error" not in content
    assert "fr-fieldset--error" not in content
    assert not JobApplication.objects.get(pk=cast.job_application.pk).eligibility_diagnosis

    response = client.post(
        step_url(cast.job_application), {"administrative_criteria": ids("CAP_BEP", "TH", "PI")}, follow=True
    )
    assert response.redirect_chain[-1][0] == accept_url(cast.job_application)
    assert "Vous pouvez maintenant confirmer l'embauche." in messages(response)[0]
    assert "valable jusqu'au" in response.content.decode()

    response = accept(client, cast.job_application)
    job_application = JobApplication.objects.get(pk=cast.job_application.pk)
    assert job_application.state == S.ACCEPTED
    assert job_application.eligibility_diagnosis.author_company == cast.company
    assert {c.kind for c in job_application.eligibility_diagnosis.administrative_criteria.all()} == {
        "CAP_BEP",
        "TH",
        "PI",
    }


def test_ai_needs_two_level_2(client):
    cast = cast_without_diagnosis(company_kind=CompanyKind.AI)
    login(client, cast.employer)
    response = client.post(step_url(cast.job_application), {"administrative_criteria": ids("TH", "PI")})
    assert response.status_code == 302


def test_exclusive_pair_refused_on_the_form(client):
    cast = cast_without_diagnosis(company_kind=CompanyKind.AI)
    login(client, cast.employer)
    response = client.post(step_url(cast.job_application), {"administrative_criteria": ids("SENIOR", "JEUNE", "RSA")})
    assert response.status_code == 200
    content = response.content.decode()
    assert "ne peuvent pas être cochés ensemble" in content
    # Only the two conflicting criteria are marked, each saying which one it conflicts with.
    assert content.count("fr-checkbox-group--error") == 2
    senior, jeune, rsa = ids("SENIOR", "JEUNE", "RSA")
    assert f'id="critere-{senior}-erreur"' in content
    assert f'id="critere-{jeune}-erreur"' in content
    assert f'id="critere-{rsa}-erreur"' not in content
    assert "Ne se cumule pas avec" in content


def test_prescriber_diagnosis_skips_the_step_and_is_linked(client):
    cast = cast_without_diagnosis(company_kind=CompanyKind.EI)
    diagnosis = IAEDiagnosisFactory(job_seeker=cast.job_seeker)
    login(client, cast.employer)
    page = client.get(accept_url(cast.job_application))
    assert page.status_code == 200
    assert f"valable jusqu'au {diagnosis.last_valid_day:%d/%m/%Y}" in page.content.decode()
    accept(client, cast.job_application)
    assert JobApplication.objects.get(pk=cast.job_application.pk).eligibility_diagnosis == diagnosis


def test_another_company_diagnosis_is_not_seen(client):
    cast = cast_without_diagnosis(company_kind=CompanyKind.ACI)
    other = cast_without_diagnosis(company_kind=CompanyKind.ACI).company
    employer_diagnosis(other, job_seeker=cast.job_seeker, criteria=["RSA"])
    login(client, cast.employer)
    assert client.get(accept_url(cast.job_application))["Location"] == step_url(cast.job_application)


def test_posting_accept_without_diagnosis_is_refused(client):
    cast = cast_without_diagnosis(company_kind=CompanyKind.ETTI)
    login(client, cast.employer)
    response = accept(client, cast.job_application)
    assert "n'a pas de diagnostic d'éligibilité valide" in response.content.decode()
    job_application = JobApplication.objects.get(pk=cast.job_application.pk)
    assert job_application.state == S.NEW
    assert job_application.logs.count() == 0


@pytest.mark.parametrize("kind", [CompanyKind.EA, CompanyKind.EATT])
def test_ea_has_no_eligibility_step(client, kind):
    cast = cast_without_diagnosis(company_kind=kind)
    login(client, cast.employer)
    assert client.get(accept_url(cast.job_application)).status_code == 200
    assert client.get(step_url(cast.job_application))["Location"] == accept_url(cast.job_application)
    accept(client, cast.job_application)
    assert JobApplication.objects.get(pk=cast.job_application.pk).state == S.ACCEPTED


def test_geiq_step_with_aid_amount(client):
    cast = cast_without_diagnosis(company_kind=CompanyKind.GEIQ)
    login(client, cast.employer)
    assert client.get(accept_url(cast.job_application))["Location"] == step_url(cast.job_application)
    page = client.get(step_url(cast.job_application)).content.decode()
    assert "1\u202f400 € avec au moins 1 critère de niveau 1" in page
    assert "Continuer sans diagnostic (pas d'aide de l'État)" in page
    from tests.eligibility.factories import geiq_criteria

    response = client.post(
        step_url(cast.job_application), {"administrative_criteria": [geiq_criteria()["DE_45"].pk]}, follow=True
    )
    assert "Aide de l'État à l'embauche en GEIQ : 814 €." in messages(response)[0]
    assert "Aide de l'État à l'embauche : 814 €." in response.content.decode()
    accept(client, cast.job_application)
    job_application = JobApplication.objects.get(pk=cast.job_application.pk)
    assert job_application.state == S.ACCEPTED
    assert job_application.geiq_eligibility_diagnosis.aid_amount == 814


def test_geiq_may_go_on_without_diagnosis(client):
    cast = cast_without_diagnosis(company_kind=CompanyKind.GEIQ)
    login(client, cast.employer)
    page = client.get(accept_url(cast.job_application) + "?sans_diagnostic=1")
    assert page.status_code == 200
    assert "n'ouvrira pas droit à l'aide de l'État" in page.content.decode()
    accept(client, cast.job_application)
    job_application = JobApplication.objects.get(pk=cast.job_application.pk)
    assert (job_application.state, job_application.geiq_eligibility_diagnosis) == (S.ACCEPTED, None)


def test_geiq_prescriber_diagnosis_is_linked(client):
    cast = cast_without_diagnosis(company_kind=CompanyKind.GEIQ)
    diagnosis = GEIQDiagnosisFactory(job_seeker=cast.job_seeker)
    login(client, cast.employer)
    assert client.get(accept_url(cast.job_application)).status_code == 200
    accept(client, cast.job_application)
    assert JobApplication.objects.get(pk=cast.job_application.pk).geiq_eligibility_diagnosis == diagnosis


@pytest.mark.parametrize("who", ["prescriber", "job_seeker", "other_employer", "outsider"])
def test_only_the_receiving_employer_reaches_the_step(client, who):
    cast = cast_without_diagnosis(company_kind=CompanyKind.ACI)
    login(client, getattr(cast, who))
    # Those who see the application (its sender, the job seeker) get 403 saying why; others 404.
    expected = 403 if who in ("prescriber", "job_seeker") else 404
    assert client.get(step_url(cast.job_application)).status_code == expected
    assert client.post(step_url(cast.job_application), {"administrative_criteria": ids("RSA")}).status_code == expected


def test_step_of_an_already_accepted_application_is_stale(client):
    cast = cast_without_diagnosis(company_kind=CompanyKind.ACI, state=S.ACCEPTED)
    login(client, cast.employer)
    response = client.get(step_url(cast.job_application), follow=True)
    assert response.redirect_chain[-1][0] == reverse("applications:detail", args=[cast.job_application.pk])
    assert "Cette action a déjà été effectuée" in messages(response)[0]


def test_a_valid_pass_iae_is_reused_without_the_diagnosis_step(client):
    """The screen asks itou.eligibility.hiring: a PASS IAE still valid means no diagnosis step."""
    from tests.approvals.factories import ApprovalFactory, hire

    cast = cast_without_diagnosis(company_kind=CompanyKind.ACI)
    approval = ApprovalFactory(job_seeker=cast.job_seeker, start_at=days_from_today(-100))
    hire(approval)
    from itou.eligibility.models import EligibilityDiagnosis

    EligibilityDiagnosis.objects.filter(job_seeker=cast.job_seeker).delete()  # the hire's factory made one
    login(client, cast.employer)
    response = client.get(accept_url(cast.job_application))
    assert response.status_code == 200
    assert "cette embauche le reprendra" in response.content.decode()
    response = accept(client, cast.job_application)
    assert JobApplication.objects.get(pk=cast.job_application.pk).state == S.ACCEPTED
    assert approval.hires.count() == 2


def test_waiting_period_is_explained_on_the_accept_page(client):
    """An employer's own diagnosis during the waiting period: the page says why it cannot hire."""
    from tests.approvals.factories import ApprovalFactory, hire

    cast = cast_without_diagnosis(company_kind=CompanyKind.ACI, sent_by_prescriber=False)
    approval = ApprovalFactory(job_seeker=cast.job_seeker, start_at=days_from_today(-800))
    hire(approval)
    from itou.eligibility.models import EligibilityDiagnosis

    EligibilityDiagnosis.objects.filter(job_seeker=cast.job_seeker).delete()
    employer_diagnosis(cast.company, job_seeker=cast.job_seeker)
    login(client, cast.employer)
    response = client.get(accept_url(cast.job_application))
    assert "délai de carence" in response.content.decode()
    accept(client, cast.job_application)
    assert JobApplication.objects.get(pk=cast.job_application.pk).state != S.ACCEPTED
