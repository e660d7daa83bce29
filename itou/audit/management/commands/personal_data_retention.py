from django.core.management.base import BaseCommand

from itou.audit.retention import retention_run


class Command(BaseCommand):
    help = "Conservation des données : prévient, anonymise, supprime les vieux CV (--dry-run : ne change rien)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Compter sans rien changer.")

    def handle(self, *args, dry_run=False, **options):
        figures = retention_run(dry_run=dry_run)
        self.stdout.write(figures.as_text())
