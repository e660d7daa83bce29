"""Private files (CVs, control proofs, attachments) on the local disk or an S3 store.

One way in and one way out, whatever the storage (docs/deploiement.md):
- `storing(...)`: upload and database row in one consistent step. The store is down → no
  row (StorageUnavailable, a French 503 page); the row fails → the object is deleted.
- `serve_private_file(...)`: called by a view *after* its permission check. S3: a redirect
  to a short-lived signed URL (S3_SIGNED_URL_SECONDS) forcing the download; disk, or a
  page's own viewer frame: the file streamed by Django. Nothing is ever public on the store.
"""

import contextlib
import logging

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import content_disposition_header

logger = logging.getLogger(__name__)


class StorageUnavailable(Exception):
    """The file store did not answer (or refused to): shown as a French 503 page."""


def is_object_store(storage=None) -> bool:
    storage = storage or default_storage
    return hasattr(storage, "bucket_name")


def _store_errors():
    """The exception types that mean "the store is not working" (not "no such file")."""
    errors = [PermissionError, IsADirectoryError, ConnectionError, TimeoutError]
    try:
        from botocore.exceptions import BotoCoreError, ClientError

        errors += [BotoCoreError, ClientError]
    except ImportError:  # pragma: no cover (boto3 is pinned)
        pass
    return tuple(errors)


# Raised by boto3 when S3 is unreachable or refuses (also caught by the 503 page when
# some code reads the store without `store_errors()`).
STORE_ERRORS = tuple(error for error in _store_errors() if error.__module__.startswith("botocore"))


@contextlib.contextmanager
def store_errors():
    """Turn any failure of the store (network, credentials, 5xx, disk) into StorageUnavailable;
    a missing file stays a FileNotFoundError."""
    try:
        yield
    except FileNotFoundError:
        raise
    except _store_errors() as error:
        status = getattr(error, "response", {}).get("ResponseMetadata", {}).get("HTTPStatusCode")
        if status == 404:
            raise FileNotFoundError(str(error)) from error
        logger.warning("File store unavailable: %r", error)
        raise StorageUnavailable(str(error)) from error


@contextlib.contextmanager
def storing(field_file, name: str, content):
    """Upload `content` to `field_file` (save=False), then run the block that saves the row.

    The upload fails → StorageUnavailable before any row is written. The block fails
    (constraint, validation, anything) → the uploaded object is deleted, the error goes on.
    """
    if hasattr(content, "seek"):
        content.seek(0)
    with store_errors():
        field_file.save(name, content, save=False)
    stored_name = field_file.name
    try:
        yield stored_name
    except BaseException:
        with contextlib.suppress(Exception):
            field_file.storage.delete(stored_name)
        raise


def delete_stored(name: str, storage=None) -> None:
    """Delete an object (the retention job, a replaced proof); a missing one is not an error."""
    if not name:
        return
    with store_errors():
        (storage or default_storage).delete(name)


def missing_file_response(request):
    return render(request, "private_files/missing.html", status=404)


def serve_private_file(request, field_file, *, filename: str, content_type: str = "application/pdf", inline=False):
    """The response for a file the view has already allowed `request.user` to read."""
    if not field_file:
        return missing_file_response(request)
    storage = field_file.storage
    if is_object_store(storage) and not inline:
        with store_errors():
            try:
                exists = storage.exists(field_file.name)
            except FileNotFoundError:
                exists = False
            if not exists:
                return missing_file_response(request)
            url = storage.url(
                field_file.name,
                parameters={
                    "ResponseContentDisposition": content_disposition_header(True, filename),
                    "ResponseContentType": content_type,
                    "ResponseCacheControl": "private, no-store",
                },
                expire=settings.S3_SIGNED_URL_SECONDS,
            )
        response = HttpResponseRedirect(url)
        response["Referrer-Policy"] = "no-referrer"
    else:
        try:
            with store_errors():
                file = field_file.open("rb")
        except FileNotFoundError:
            return missing_file_response(request)
        response = FileResponse(file, content_type=content_type, filename=filename, as_attachment=not inline)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
