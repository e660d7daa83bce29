import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from itou.activity.models import ContractEnd
from itou.activity.signals import contract_ended
from itou.job_applications.enums import JobApplicationState
from itou.job_applications.models import JobApplication

MAX_FUTURE_DAYS = 31


@transaction.atomic
def declare_contract_end(
    job_application, *, end_date: datetime.date, reason: str, exit_situation: str, comment: str = "", user
) -> ContractEnd:
    """Declare (or correct) the end of a hire. The PASS IAE is not ended; listeners of
    `contract_ended` (employee records) get the news once the transaction commits."""
    job_application = JobApplication.objects.select_for_update().get(pk=job_application.pk)
    if job_application.state != JobApplicationState.ACCEPTED:
        raise ValidationError("Seule une embauche (candidature acceptée) peut avoir une fin de contrat.")
    if end_date < job_application.hiring_start_at:
        raise ValidationError(
            f"La fin du contrat ne peut pas précéder son début ({job_application.hiring_start_at:%d/%m/%Y})."
        )
    if end_date > timezone.localdate() + datetime.timedelta(days=MAX_FUTURE_DAYS):
        raise ValidationError(
            f"Déclarez la fin du contrat au plus {MAX_FUTURE_DAYS} jours à l'avance : la situation de la personne "
            "à sa sortie n'est pas encore connue."
        )
    contract_end, created = ContractEnd.objects.update_or_create(
        job_application=job_application,
        defaults={
            "end_date": end_date,
            "reason": reason,
            "exit_situation": exit_situation,
            "comment": comment.strip(),
            "declared_by": user,
        },
    )
    transaction.on_commit(lambda: contract_ended.send(sender=ContractEnd, contract_end=contract_end, created=created))
    return contract_end


FREE_TEXT_FIELDS = ("support_actions", "training_actions", "partners", "comment")


@transaction.atomic
def save_report(company, year: int, *, data: dict, submit: bool, user):
    """Keep the employer's free text; on submission, freeze the figures sent to the DDETS
    (it may submit again to send corrected figures)."""
    from itou.activity.models import ActivityReport
    from itou.activity.report import build_report

    if year > timezone.localdate().year:
        raise ValidationError("Le rapport d'une année à venir ne peut pas être rempli.")
    report, _created = ActivityReport.objects.select_for_update().get_or_create(company=company, year=year)
    for name in FREE_TEXT_FIELDS:
        setattr(report, name, (data.get(name) or "").strip())
    if submit:
        report.submitted_at, report.submitted_by = timezone.now(), user
        report.submitted_figures = build_report(company, year).flat()
    report.save()
    return report
