"""Find active content in a PDF: scripts, actions that launch or fetch things, embedded files.

A CV or a proof is read by employers and prescribers on their own computers: a PDF that
runs JavaScript, launches a program or carries another file is refused, with a French
message saying how to get a clean copy ("Imprimer en PDF"). The check parses the whole
object graph with pypdf (so compressed object streams are seen too); when pypdf cannot
follow a damaged file, it scans the raw bytes for the names of these features.
"""

import io
import logging

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

logger = logging.getLogger(__name__)

ACTIVE_CONTENT_MESSAGE = (
    "Ce PDF contient du contenu actif (script, action automatique ou fichier joint), refusé pour protéger les "
    "personnes qui l'ouvriront. Ouvrez-le puis choisissez « Imprimer » et « Enregistrer au format PDF » pour en "
    "obtenir une copie sans ce contenu, et joignez cette copie."
)
ENCRYPTED_MESSAGE = (
    "Ce PDF est protégé par un mot de passe : enregistrez-en une copie sans mot de passe, puis joignez-la."
)

# Keys whose mere presence means active content.
_ACTIVE_KEYS = {"/JS", "/JavaScript", "/EmbeddedFiles", "/EmbeddedFile", "/RichMedia", "/XFA", "/Launch"}
# Action types (/S) that run code, start programs or send data.
_ACTIVE_ACTIONS = {"/JavaScript", "/Launch", "/ImportData", "/SubmitForm", "/GoToE", "/RichMediaExecute", "/Rendition"}
_ACTIVE_SUBTYPES = {"/FileAttachment", "/RichMedia", "/Movie", "/Sound", "/Screen"}
_RAW_MARKERS = (b"/JavaScript", b"/JS ", b"/JS(", b"/JS<", b"/Launch", b"/EmbeddedFile", b"/RichMedia", b"/XFA")
_MAX_NODES = 200_000


class ActivePDFContent(Exception):
    def __init__(self, message: str, reason: str):
        super().__init__(message)
        self.message = message
        self.reason = reason


def _walk(root) -> str | None:
    """The first active feature found from `root`, or None. Iterative, each object once."""
    seen = set()
    stack = [root]
    nodes = 0
    while stack:
        node = stack.pop()
        nodes += 1
        if nodes > _MAX_NODES:
            return "too many objects"
        if isinstance(node, IndirectObject):
            ref = (node.idnum, node.generation)
            if ref in seen:
                continue
            seen.add(ref)
            try:
                node = node.get_object()
            except Exception:  # a dangling reference: nothing to run there
                continue
        if isinstance(node, DictionaryObject):
            for key in node:
                if key in _ACTIVE_KEYS:
                    return key
            action = node.get("/S")
            if isinstance(action, NameObject) and action in _ACTIVE_ACTIONS:
                return str(action)
            subtype = node.get("/Subtype")
            if isinstance(subtype, NameObject) and subtype in _ACTIVE_SUBTYPES:
                return str(subtype)
            if node.get("/Type") == "/Filespec" and ("/EF" in node or "/RF" in node):
                return "/Filespec"
            stack.extend(node.values())
        elif isinstance(node, ArrayObject):
            stack.extend(node)
    return None


def pdf_active_content_check(data: bytes) -> None:
    """ActivePDFContent (French message) when `data` carries scripts, launch actions or embedded files."""
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise ActivePDFContent(ENCRYPTED_MESSAGE, "encrypted")
        found = _walk(reader.trailer)
    except ActivePDFContent:
        raise
    except Exception:
        # pypdf could not follow the structure: scan the raw bytes (names, not text:
        # only used here, as a CV's uncompressed text may well say "Node/JavaScript").
        logger.info("PDF not parsed by pypdf, raw scan only", exc_info=True)
        for marker in _RAW_MARKERS:
            if marker in data:
                raise ActivePDFContent(ACTIVE_CONTENT_MESSAGE, marker.decode().strip(" (<"))
        return
    if found:
        raise ActivePDFContent(ACTIVE_CONTENT_MESSAGE, found)
