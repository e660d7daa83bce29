"""The attestation of a PASS IAE ("attestation de délivrance du PASS IAE"), in PDF.

An HTML template rendered by WeasyPrint; a QR code (SVG, as a data URI) leads to the public
verification page, so that anyone holding the paper can check it is genuine.
"""

import base64
import io
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation


def verification_url(approval) -> str:
    return settings.SITE_URL + reverse("approvals:verify") + "?" + urlencode({"numero": approval.number})


def qr_code_data_uri(data: str) -> str:
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def attestation_html(approval) -> str:
    url = verification_url(approval)
    hires = [h for h in approval.hires.all() if h.cancelled_at is None]
    issuer = hires[0].company if hires else None
    context = {
        "approval": approval,
        "status": approval.status(),
        "issuer": issuer,
        "verification_url": url,
        "qr_code": qr_code_data_uri(url),
        "today": timezone.localdate(),
    }
    with translation.override("fr"):
        return render_to_string("approvals/attestation.html", context)


def render_attestation(approval, *, compressed: bool = True) -> bytes:
    from weasyprint import HTML  # heavy import, only when a PDF is asked

    html = attestation_html(approval)
    return HTML(string=html, base_url=settings.SITE_URL).write_pdf(uncompressed_pdf=not compressed)
