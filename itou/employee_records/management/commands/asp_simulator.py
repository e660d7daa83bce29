"""Play the ASP on the local SFTP server: answer the batch files of `depot` in `retrait`.

`--loop N` repeats every N seconds and, in DEBUG, also runs the upload and download jobs
so that `make run` shows records going NEW → READY → SENT → PROCESSED/REJECTED in minutes.
"""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from itou.employee_records import sftp, simulator, transfer


class Command(BaseCommand):
    help = "Simule l'ASP : lit les fichiers déposés et écrit les fichiers retour (développement et démo)."

    def add_arguments(self, parser):
        parser.add_argument("--loop", type=int, default=0, help="Recommencer toutes les N secondes.")
        parser.add_argument("--error-rate", type=float, default=0.25)
        parser.add_argument("--seed", type=int, default=None)
        parser.add_argument(
            "--with-jobs", action="store_true", help="Lancer aussi le dépôt et le retrait (démo en boucle)."
        )

    def handle(self, *args, loop, error_rate, seed, with_jobs, **options):
        # The demo (make run, DEMO_MODE, which production settings refuse) or development only.
        if not (settings.DEBUG or settings.DEMO_MODE):
            raise CommandError(
                "Le simulateur de l'ASP ne sert qu'en démonstration ou en développement (DEMO_MODE ou DEBUG)."
            )
        while True:
            try:
                if with_jobs:
                    transfer.upload()
                with sftp.connect() as client:
                    written = simulator.run_once(client, seed=seed, error_rate=error_rate)
                for name in written:
                    self.stdout.write(f"Fichier retour écrit : {name}")
                if with_jobs:
                    transfer.download()
            except sftp.SFTPError as error:
                self.stderr.write(f"Serveur SFTP indisponible : {error}")
            except Exception as error:  # noqa: BLE001 — in a loop (make run), one bad turn must not stop everything
                if not loop:
                    raise
                self.stderr.write(f"Tour du simulateur en échec : {error!r}")
            if not loop:
                return
            time.sleep(loop)
