import base64
import re

from itou.approvals import pdf
from itou.approvals.enums import ProlongationReason, SuspensionReason
from itou.approvals.models import Prolongation, Suspension
from tests.approvals.factories import ApprovalFactory, days_from_today, hire


def _pdf_titles(content: bytes) -> list[str]:
    """The document title and bookmarks (UTF-16 hex in an uncompressed PDF): the glyphs of
    the body are subset-encoded, titles are plain text."""
    return [
        bytes.fromhex("".join(match.decode().split())).decode("utf-16-be")
        for match in re.findall(rb"/Title <feff([0-9a-f\s]+)>", content)
    ]


def test_attestation_is_a_pdf_with_the_number():
    approval = ApprovalFactory(start_at=days_from_today(-100))
    hire(approval)
    assert pdf.render_attestation(approval).startswith(b"%PDF")
    content = pdf.render_attestation(approval, compressed=False)
    assert content.startswith(b"%PDF")
    assert any(approval.display_number in title for title in _pdf_titles(content))


def test_attestation_content():
    approval = ApprovalFactory(start_at=days_from_today(-100))
    last = hire(approval)
    Suspension.objects.create(
        approval=approval,
        start_at=days_from_today(-10),
        end_at=days_from_today(-5),
        reason=SuspensionReason.CONTRACT_SUSPENDED,
        company=last.company,
    )
    Prolongation.objects.create(
        approval=approval,
        start_at=approval.end_at,
        end_at=days_from_today(800),
        reason=ProlongationReason.COMPLETE_TRAINING,
        company=last.company,
    )
    html = pdf.attestation_html(approval)
    assert approval.display_number in html
    assert approval.job_seeker.get_full_name() in html
    assert last.company.display_name in html
    assert "Contrat de travail suspendu" in html
    assert "Fin d&#x27;une formation" in html or "Fin d'une formation" in html
    assert pdf.verification_url(approval) in html
    assert 'src="data:image/svg+xml;base64,' in html
    assert approval.job_seeker.jobseeker_profile.nir not in html


def test_qr_code_is_an_svg_data_uri():
    uri = pdf.qr_code_data_uri("https://example.com/pass-iae/verifier/?numero=999990000001")
    assert uri.startswith("data:image/svg+xml;base64,")
    assert b"<svg" in base64.b64decode(uri.split(",", 1)[1])


def test_verification_url(settings):
    settings.SITE_URL = "https://emplois.example"
    approval = ApprovalFactory()
    assert pdf.verification_url(approval) == f"https://emplois.example/pass-iae/verifier/?numero={approval.number}"
