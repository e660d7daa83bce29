"""Copy the private files of the local disk (MEDIA_ROOT) to the object store, and check them.

    manage.py move_files_to_store --dry-run        # what would be copied
    manage.py move_files_to_store                  # copy, then read each object back (size + SHA-256)
    manage.py move_files_to_store --delete-local   # same, and remove each local copy once checked

Every file named by a FileField of any model is handled. Idempotent: an object already on
the store with the same size and checksum is left alone; a different one is replaced.
The names do not change, so the rows need no update (docs/deploiement.md).
"""

import hashlib

from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import models

from itou.utils.private_files import StorageUnavailable, is_object_store, store_errors


def stored_file_names():
    """Every distinct file name the database points to, with the field it comes from."""
    names = {}
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField):
                queryset = model._default_manager.exclude(**{field.name: ""}).exclude(**{f"{field.name}__isnull": True})
                for name in queryset.values_list(field.name, flat=True).iterator():
                    names.setdefault(name, f"{model._meta.label}.{field.name}")
    return names


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Command(BaseCommand):
    help = "Copie les fichiers privés du disque local vers le stockage objet (S3) et les vérifie."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Compter sans rien copier.")
        parser.add_argument(
            "--delete-local", action="store_true", help="Supprimer chaque copie locale une fois vérifiée."
        )

    def handle(self, *args, dry_run=False, delete_local=False, **options):
        target = default_storage
        if not is_object_store(target):
            raise CommandError("Le stockage objet n'est pas configuré (S3_BUCKET) : rien à faire.")
        local = FileSystemStorage(location=settings.MEDIA_ROOT)
        names = stored_file_names()
        to_copy = [name for name in sorted(names) if local.exists(name)]
        missing = [name for name in sorted(names) if not local.exists(name)]
        if dry_run:
            self.stdout.write(
                f"{len(to_copy)} fichier(s) à copier depuis {settings.MEDIA_ROOT} vers le bucket "
                f"{target.bucket_name} ; {len(missing)} absent(s) du disque local (déjà déplacés ou perdus)."
            )
            return
        copied = present = errors = 0
        for name in to_copy:
            with local.open(name, "rb") as handle:
                data = handle.read()
            try:
                with store_errors():
                    if target.exists(name) and self._same(target, name, data):
                        present += 1
                    else:
                        if target.exists(name):
                            target.delete(name)
                        saved = target.save(name, ContentFile(data))
                        if saved != name or not self._same(target, name, data):
                            raise CommandError(f"{name} : la copie sur le stockage objet ne correspond pas.")
                        copied += 1
            except (StorageUnavailable, CommandError) as error:
                errors += 1
                self.stderr.write(f"Erreur sur {name} ({names[name]}) : {error}")
                continue
            if delete_local:
                local.delete(name)
        self.stdout.write(
            f"{copied} copié(s), {present} déjà présent(s), {len(missing)} manquant(s), {errors} erreur(s)."
        )
        for name in missing:
            if not target.exists(name):
                self.stderr.write(f"Introuvable partout : {name} ({names[name]})")
        if errors:
            raise CommandError(f"{errors} fichier(s) n'ont pas pu être copiés : relancez la commande.")

    @staticmethod
    def _same(target, name, data: bytes) -> bool:
        if target.size(name) != len(data):
            return False
        with target.open(name, "rb") as handle:
            return sha256(handle.read()) == sha256(data)
