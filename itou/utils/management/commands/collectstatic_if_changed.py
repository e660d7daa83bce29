"""`collectstatic` only when a static file changed since the last run (used by `make run`).

With DEBUG off the static files are served by WhiteNoise from STATIC_ROOT, hashed and
pre-compressed (gzip and Brotli) by `CompressedManifestStaticFilesStorage`. Compressing the
~1,800 files of the DSFR takes tens of seconds: this command fingerprints the source files
(path, size, modification time, found through the same finders as `collectstatic`) and the
storage backend, and does nothing when the fingerprint matches the one of the last run.
"""

import hashlib
import json
import os

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.core.management.base import BaseCommand

STAMP_NAME = ".collectstatic-fingerprint"


def source_fingerprint() -> str:
    entries = []
    for finder in finders.get_finders():
        for path, storage in finder.list(["CVS", ".*", "*~"]):
            full_path = storage.path(path)
            stat = os.stat(full_path)
            entries.append((path, full_path, stat.st_size, stat.st_mtime_ns))
    entries.sort()
    payload = json.dumps([settings.STORAGES["staticfiles"]["BACKEND"], entries])
    return hashlib.sha256(payload.encode()).hexdigest()


class Command(BaseCommand):
    help = "collectstatic, seulement si un fichier statique a changé depuis la dernière fois."

    def handle(self, *args, **options):
        stamp = settings.STATIC_ROOT / STAMP_NAME
        fingerprint = source_fingerprint()
        manifest = settings.STATIC_ROOT / "staticfiles.json"
        if stamp.exists() and stamp.read_text() == fingerprint and manifest.exists():
            self.stdout.write("Fichiers statiques à jour (collectstatic inutile).")
            return
        call_command("collectstatic", interactive=False, verbosity=0)
        stamp.write_text(fingerprint)
        self.stdout.write("Fichiers statiques rassemblés et compressés.")
