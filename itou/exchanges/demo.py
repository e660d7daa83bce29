"""Messages of the demo world (docs/monde-de-demo.md, docs/echanges.md): a demo prescriber
(France Travail Lyon Part-Dieu when it sent one) and the demo ACI (Les Jardins du Rhône)
exchange about one application, through the services (the emails land in the dev mailbox).

Called by itou.demo.world.load_demo once the applications exist. Idempotent: nothing is
written when the chosen application already has messages.
"""

from django.utils import timezone

from itou.companies.enums import CompanyKind
from itou.exchanges import services
from itou.exchanges.models import ApplicationMessage
from itou.job_applications.enums import SenderKind
from itou.job_applications.models import JobApplication

DEMO_PRESCRIBER_EMAIL_PREFIX = "prescripteur.ft@"
DEMO_ACI_EMAIL_PREFIX = "employeur.aci@"

THREAD = (
    (
        "sender",
        False,
        "Bonjour, je vous ai adressé cette candidature la semaine dernière. La personne est disponible "
        "pour un entretien dès lundi ; elle a des rendez-vous médicaux le jeudi matin.",
    ),
    (
        "employer",
        False,
        "Bonjour, merci pour ce contact. Nous proposons un entretien lundi à 10 h sur le site de Vénissieux. "
        "Plan d'accès : https://emplois.inclusion.beta.gouv.fr/",
    ),
    (
        "sender",
        True,
        "Pour information, un dossier de logement est en cours : je reste disponible pour en parler avec vous.",
    ),
)


def _demo_application():
    """An application the demo ACI received from a prescriber: the demo France Travail
    prescriber's if there is one, the oldest otherwise."""
    candidates = list(
        JobApplication.objects.filter(
            sender_kind=SenderKind.PRESCRIBER,
            to_company__kind=CompanyKind.ACI,
            to_company__memberships__user__email__startswith=DEMO_ACI_EMAIL_PREFIX,
        )
        .select_related("sender", "to_company", "job_seeker")
        .order_by("created_at", "pk")
    )
    for job_application in candidates:
        if job_application.sender and job_application.sender.email.startswith(DEMO_PRESCRIBER_EMAIL_PREFIX):
            return job_application
    return candidates[0] if candidates else None


def load_demo_exchanges() -> int:
    """The demo thread, and the demo support request (itou/support/demo.py); returns how
    many messages were created."""
    from itou.support.demo import load_demo_support

    load_demo_support()
    job_application = _demo_application()
    if job_application is None or ApplicationMessage.objects.filter(job_application=job_application).exists():
        return 0
    employer = (
        job_application.to_company.memberships.filter(is_active=True, user__email__startswith=DEMO_ACI_EMAIL_PREFIX)
        .select_related("user")
        .first()
        .user
    )
    authors = {"sender": job_application.sender, "employer": employer}
    start = timezone.now() - timezone.timedelta(hours=len(THREAD))
    for index, (side, between_professionals, body) in enumerate(THREAD):
        message = services.message_post(
            acting_user=authors[side],
            job_application=job_application,
            body=body,
            between_professionals=between_professionals,
        )
        # Spread over the last hours: a thread that reads as a conversation.
        ApplicationMessage.objects.filter(pk=message.pk).update(created_at=start + timezone.timedelta(hours=index))
    return len(THREAD)
