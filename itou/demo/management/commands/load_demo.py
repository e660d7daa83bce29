from django.core.management.base import BaseCommand, CommandError

from itou.demo import world as demo


class Command(BaseCommand):
    help = "Crée ou remet en état le monde de démonstration (idempotent). Voir docs/monde-de-demo.md."

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset-passwords",
            action="store_true",
            help=f"Remet le mot de passe de démonstration ({demo.DEMO_PASSWORD}) sur tous les comptes de la démo.",
        )

    def handle(self, *args, reset_passwords=False, **options):
        try:
            summary = demo.load_demo(reset_passwords=reset_passwords)
        except demo.MissingReferenceData as error:
            raise CommandError(str(error))

        verdict = "mis à jour" if summary.changed else "déjà à jour, rien n'a changé"
        self.stdout.write(self.style.SUCCESS(f"Monde de démonstration {verdict}."))
        for label, tally in summary.tallies.items():
            self.stdout.write(
                f"  {label} : {tally.total} ({tally.created} créé(s), {tally.updated} mis à jour, "
                f"{tally.unchanged} inchangé(s))"
            )
        self.stdout.write(f"\nComptes de démonstration (mot de passe commun : {demo.DEMO_PASSWORD}) :")
        for account in demo.demo_accounts():
            self.stdout.write(f"  {account['email']:<42} {account['role']} ({account['label']})")
