"""Staff: put back to READY the records of a batch file (or of a company after a SIRET change)."""

from django.core.management.base import BaseCommand, CommandError

from itou.companies.models import Company
from itou.employee_records import services
from itou.employee_records.models import EmployeeRecordBatch


class Command(BaseCommand):
    help = "Renvoie à l'ASP les fiches d'un fichier (--file) ou d'une structure dont le SIRET a changé (--company)."

    def add_arguments(self, parser):
        parser.add_argument("--file", help="Nom du fichier, par exemple RIAE_FS_20260302095500.json")
        parser.add_argument("--company", type=int, help="Identifiant de la structure (changement de SIRET)")

    def handle(self, *args, file=None, company=None, **options):
        if bool(file) == bool(company):
            raise CommandError("Indiquez soit --file, soit --company.")
        if file:
            batch = EmployeeRecordBatch.objects.filter(filename=file).first()
            if batch is None:
                raise CommandError(f"Aucun fichier {file}.")
            count = services.batch_resend(acting_user=None, batch=batch)
        else:
            target = Company.objects.filter(pk=company).first()
            if target is None:
                raise CommandError(f"Aucune structure {company}.")
            count = services.resend_after_siret_change(acting_user=None, company=target)
        self.stdout.write(f"{count} fiche(s) remise(s) en attente d'envoi (Complétée).")
