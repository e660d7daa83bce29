"""Serve the local SFTP server until Ctrl-C (started by `make run`; never in production)."""

import contextlib
import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from itou.employee_records.sftp_server import LocalSFTPServer


class Command(BaseCommand):
    help = "Démarre le serveur SFTP local qui joue l'ASP (développement et démo)."

    def add_arguments(self, parser):
        parser.add_argument("--root", default=str(settings.BASE_DIR / ".data" / "asp-sftp" / "root"))

    def handle(self, *args, root, **options):
        # The demo (make run, DEMO_MODE, which production settings refuse) or development only.
        if not (settings.DEBUG or settings.DEMO_MODE):
            raise CommandError(
                "Le serveur SFTP local ne sert qu'en démonstration ou en développement (DEMO_MODE ou DEBUG)."
            )
        keys_dir = settings.BASE_DIR / ".data" / "asp-sftp"
        server = LocalSFTPServer(root, keys_dir, host=settings.ASP_SFTP_HOST, port=settings.ASP_SFTP_PORT).start()
        self.stdout.write(f"Serveur SFTP local (ASP) sur {server.host}:{server.port}, dossier {root}")
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        with contextlib.suppress(KeyboardInterrupt):
            stop.wait()
        server.stop()
