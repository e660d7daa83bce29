"""The employer's actions on an application, shared by the application pages and the
accept step of itou/www/eligibility (which must not import the other screens' views).

ACTION_SPECS gives each action its page, form, service and words; which ones are offered
on an application comes from the state machine (itou/job_applications/workflow.py).
"""

import dataclasses
from collections.abc import Callable

from django.http import Http404
from django.urls import reverse

from itou.companies.enums import SIAE_KINDS, CompanyKind
from itou.eligibility.hiring import hire_eligibility_for_application
from itou.job_applications import perms, queries, services
from itou.job_applications.workflow import TransitionNotAllowed, employer_actions
from itou.organizations.current import Role
from itou.www.applications import forms

STALE_MESSAGE = TransitionNotAllowed.message
ACCEPT_SLUG = "accepter"
SKIP_GEIQ_PARAM = "sans_diagnostic"


# 403 (not 404): whoever sees the application (its sender, the job seeker) knows it exists.
EMPLOYER_ONLY = (
    "Seul l'employeur qui a reçu cette candidature peut la traiter ou la commenter. "
    "Vous pouvez suivre son état depuis la page de la candidature."
)


# --- Who looks at the application -------------------------------------------------------


def _memberships(request) -> tuple[set, set]:
    choices = list(request.organization_choices or [])
    companies = {choice.organization.pk for choice in choices if choice.role == Role.EMPLOYER}
    organizations = {choice.organization.pk for choice in choices if choice.role == Role.PRESCRIBER}
    return companies, organizations


def load_for_viewer(request, pk):
    """The application if the user is involved (404 otherwise), and their role."""
    job_application = queries.get_job_application_for_user_or_404(request.user, pk)
    companies, organizations = _memberships(request)
    role = perms.viewer_role(
        request.user, job_application, company_ids=companies, prescriber_organization_ids=organizations
    )
    if role is None:
        raise Http404
    return job_application, role


@dataclasses.dataclass
class ActionSpec:
    slug: str
    name: str  # the transition (or log) name
    form_class: type
    service: Callable
    title: str  # the page's and the button's title
    button: str
    success: str
    consequence: str = ""  # what happens, said before confirming
    modal: bool = False  # destructive: confirmed in a modal on the detail page
    simple: bool = False  # no field: one button on the detail page


ACTION_SPECS = [
    ActionSpec(
        "etudier",
        "process",
        forms.ActionForm,
        services.job_application_process,
        "Mettre à l'étude",
        "Mettre à l'étude",
        "La candidature est à l'étude. Le candidat et le prescripteur ont été prévenus.",
        "Le candidat et le prescripteur seront prévenus que vous étudiez la candidature.",
        simple=True,
    ),
    ActionSpec(
        "accepter",
        "accept",
        forms.AcceptForm,
        services.job_application_accept,
        "Accepter la candidature",
        "Confirmer l'embauche",
        "Embauche confirmée. Le candidat et le prescripteur ont été prévenus.",
        "Le candidat et le prescripteur seront prévenus. Ses autres candidatures en attente "
        "seront closes (« embauché ailleurs »).",
    ),
    ActionSpec(
        "mettre-en-attente",
        "postpone",
        forms.PostponeForm,
        services.job_application_postpone,
        "Mettre en attente",
        "Mettre en attente",
        "La candidature est en attente. Le candidat et le prescripteur ont reçu votre message.",
        "La candidature reste ouverte ; le candidat et le prescripteur recevront votre message.",
    ),
    ActionSpec(
        "vivier",
        "add_to_pool",
        forms.ActionForm,
        services.job_application_add_to_pool,
        "Ajouter au vivier",
        "Ajouter au vivier",
        "La candidature est dans votre vivier.",
        "Vous gardez le profil pour un prochain poste ; le candidat et le prescripteur seront prévenus.",
        simple=True,
    ),
    ActionSpec(
        "action-prealable",
        "move_to_prior_to_hire",
        forms.PriorActionForm,
        services.job_application_move_to_prior_to_hire,
        "Action préalable à l'embauche",
        "Enregistrer l'action préalable",
        "L'action préalable à l'embauche est enregistrée.",
        "Une action préalable (PMSMP, POE, AFPR…) prépare l'embauche dans votre GEIQ.",
    ),
    ActionSpec(
        "decliner",
        "refuse",
        forms.RefuseForm,
        services.job_application_refuse,
        "Décliner la candidature",
        "Décliner la candidature",
        "Candidature déclinée. Le candidat et le prescripteur ont été prévenus.",
        "Le candidat et le prescripteur recevront un e-mail. Vous pourrez encore revenir sur cette "
        "décision et accepter la candidature plus tard.",
        modal=True,
    ),
    ActionSpec(
        "annuler-embauche",
        "cancel",
        forms.ActionForm,
        services.job_application_cancel,
        "Annuler l'embauche",
        "Annuler l'embauche",
        "Embauche annulée. Le candidat et le prescripteur ont été prévenus.",
        "Le contrat n'aura pas lieu ; le candidat et le prescripteur seront prévenus.",
        modal=True,
    ),
    ActionSpec(
        "transferer",
        "transfer",
        forms.TransferForm,
        services.job_application_transfer,
        "Transférer à une autre de vos structures",
        "Transférer la candidature",
        "Candidature transférée. La structure qui la reçoit, le candidat et le prescripteur ont été prévenus.",
        "La candidature arrivera comme nouvelle candidature (spontanée) dans l'autre structure ; "
        "vos commentaires internes restent ici.",
    ),
    ActionSpec(
        "dates-du-contrat",
        "update_hiring_start",
        forms.UpdateHiringStartForm,
        services.job_application_update_hiring_start,
        "Modifier les dates du contrat",
        "Enregistrer les nouvelles dates",
        "Les dates du contrat sont modifiées. Le candidat et le prescripteur ont été prévenus.",
        "Le début du contrat peut être déplacé de 30 jours au plus, tant que le contrat n'a pas commencé.",
    ),
    ActionSpec(
        "archiver",
        "archive",
        forms.NoStateForm,
        services.job_application_archive,
        "Archiver",
        "Archiver",
        "Candidature archivée : vous la retrouverez dans les archives.",
        "La candidature quitte la liste des candidatures reçues ; elle reste dans les archives.",
        simple=True,
    ),
    ActionSpec(
        "desarchiver",
        "unarchive",
        forms.NoStateForm,
        services.job_application_unarchive,
        "Désarchiver",
        "Désarchiver",
        "La candidature est de retour dans vos candidatures reçues.",
        simple=True,
    ),
]
ACTIONS = {spec.slug: spec for spec in ACTION_SPECS}


def available_actions(request, job_application) -> list[ActionSpec]:
    """What the receiving employer may do now: the state machine's table
    (itou/job_applications/workflow.py: MACHINE), in the order of ACTION_SPECS."""
    names = {
        transition.name
        for transition in employer_actions(
            job_application,
            has_transfer_targets=lambda: forms.transfer_targets(request.user, job_application).exists(),
        )
    }
    return [spec for spec in ACTION_SPECS if spec.name in names]


# --- Accepting: the eligibility step first (docs/eligibilite.md) -----------------------


def accept_needs_diagnosis_step(job_application, *, skip_geiq: bool = False) -> bool:
    """Whether "Accepter" must first go through the diagnosis step (the answer of
    itou.eligibility.hiring): an SIAE that may not hire yet for want of a diagnosis (a PASS
    IAE still valid is reused without one), a GEIQ without a valid GEIQ diagnosis (unless
    it chose to go on without)."""
    eligibility = hire_eligibility_for_application(job_application)
    if eligibility.geiq:
        return eligibility.needs_diagnosis and not skip_geiq
    return eligibility.needs_diagnosis


def accept_eligibility_summary(job_application) -> dict | None:
    """What the accept page says about eligibility (the diagnosis the hire will rely on,
    the PASS IAE it reuses), from itou.eligibility.hiring."""
    company = job_application.to_company
    if company.kind not in SIAE_KINDS and company.kind != CompanyKind.GEIQ:
        return None
    eligibility = hire_eligibility_for_application(job_application)
    return {
        "diagnosis": eligibility.diagnosis,
        "approval": eligibility.approval,
        "error": "" if eligibility.needs_diagnosis else eligibility.error,
        "geiq": eligibility.geiq,
        "step_url": reverse("eligibility:accept", args=[job_application.pk]),
    }
