from django.core.management.base import BaseCommand
from django.db import connection, transaction

from itou.stats import refresh


class Command(BaseCommand):
    help = "Recalcule toutes les tables d'agrégats des statistiques depuis les tables brutes (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--rollups",
            action="store_true",
            help="seulement les tables nationales et par département (depuis les tables mensuelles), les groupes de suivi et la dernière candidature de chaque fiche de poste",
        )

    def handle(self, *args, rollups=False, **options):
        if rollups:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f"SELECT pg_advisory_xact_lock({refresh.ADVISORY_LOCK})")
                for statement in refresh.derived_statements():
                    cursor.execute(statement)
            self.stdout.write("Tables nationales et par département, groupes de suivi et fiches de poste recalculés.")
            return
        refresh.rebuild()
        self.stdout.write("Statistiques recalculées.")
