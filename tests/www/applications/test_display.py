import datetime

import pytest

from itou.job_applications.enums import JobApplicationState as S
from itou.job_applications.models import JobApplication
from itou.www.applications import display


@pytest.mark.parametrize(
    "name, expected",
    [("Léa MARTIN", "de Léa MARTIN"), ("Aïcha TRAORÉ", "d'Aïcha TRAORÉ"), ("Émile ZOLA", "d'Émile ZOLA"), ("", "de ")],
)
def test_de(name, expected):
    assert display.de(name) == expected


TODAY = datetime.date(2026, 3, 1)


@pytest.mark.parametrize(
    "fields, expected",
    [
        ({"state": S.PROCESSING}, "Candidature à l'étude — l'employeur l'examine et peut vous proposer un entretien."),
        ({"state": S.POOL}, "Candidature dans le vivier — l'employeur garde votre profil pour un prochain poste."),
        (
            {"state": S.PRIOR_TO_HIRE, "prior_action_kind": "POE"},
            "Action préalable à l'embauche (Préparation opérationnelle à l'emploi (POE)) — l'employeur prépare votre embauche.",
        ),
        (
            {"state": S.REFUSED, "refusal_reason": "auto", "refusal_reason_shared_with_job_seeker": True},
            "Candidature déclinée automatiquement — l'employeur n'a pas répondu en 60 jours. Vous pouvez postuler ailleurs.",
        ),
        ({"state": S.CANCELLED}, "Embauche annulée — le contrat prévu n'aura pas lieu."),
        (
            {"state": S.OBSOLETE},
            "Embauche ailleurs — une autre de vos candidatures a été acceptée, celle-ci est close.",
        ),
        (
            {"state": S.ACCEPTED, "hiring_start_at": datetime.date(2027, 1, 4)},
            "Candidature acceptée — le contrat commence le 4 janvier 2027.",
        ),
    ],
)
def test_job_seeker_status(fields, expected):
    assert display.job_seeker_status(JobApplication(**fields), today=TODAY) == expected


def test_professional_next_step():
    refused = JobApplication(state=S.REFUSED, refusal_reason="no_position", refusal_reason_shared_with_job_seeker=False)
    assert display.professional_next_step(refused, employer=True, today=TODAY) == (
        "Motif : Pas de recrutement en cours (non communiqué au candidat). "
        "Vous pouvez encore accepter la candidature ou l'archiver."
    )
    assert display.professional_next_step(refused, employer=False, today=TODAY) == (
        "Motif : Pas de recrutement en cours. Vous pouvez proposer le candidat à un autre employeur."
    )
    accepted = JobApplication(state=S.ACCEPTED, hiring_start_at=datetime.date(2026, 3, 3))
    assert display.professional_next_step(accepted, employer=False, today=TODAY) == "Le contrat commence le 3 mars."
