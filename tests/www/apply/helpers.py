"""Data and helpers shared by the tests of the journey "postuler" (client, service and browser tests)."""

import re

from django.utils import timezone

from itou.companies.enums import CompanyKind, ContractType
from itou.companies.models import JobDescription
from itou.geo.models import Commune, Department, Region
from itou.jobs.models import Appellation, Rome, RomeDomain
from tests.companies.factories import CompanyFactory


def make_pdf(text: str = "Curriculum vitae") -> bytes:
    """A small but valid PDF (one page, one line of text), with a correct cross-reference table."""
    content = f"BT /F1 18 Tf 72 760 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(content)).encode() + b" >>\nstream\n" + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


def make_appellation(code: str = "11999", name: str = "Agent / Agente d'entretien des espaces verts") -> Appellation:
    domain, _ = RomeDomain.objects.get_or_create(code="A", defaults={"name": "Agriculture et pêche, espaces naturels"})
    rome, _ = Rome.objects.get_or_create(
        code="A1203", defaults={"name": "Aménagement et entretien des espaces verts", "domain": domain}
    )
    appellation, _ = Appellation.objects.get_or_create(code=code, defaults={"name": name, "rome": rome})
    return appellation


def make_job(company, *, title: str = "", is_open: bool = True, is_cv_required: bool = False, code="11999"):
    return JobDescription.objects.create(
        company=company,
        appellation=make_appellation(code=code),
        custom_title=title,
        contract_type=ContractType.FIXED_TERM_I,
        is_open=is_open,
        is_cv_required=is_cv_required,
    )


def make_company(*, with_member=None, kind=CompanyKind.ACI, spontaneous=False, **kwargs):
    return CompanyFactory(
        kind=kind,
        with_member=with_member,
        spontaneous_applications_open_since=timezone.now() if spontaneous else None,
        **kwargs,
    )


def make_lyon() -> Commune:
    region, _ = Region.objects.get_or_create(code="84", defaults={"name": "Auvergne-Rhône-Alpes"})
    department, _ = Department.objects.get_or_create(code="69", defaults={"name": "Rhône", "region": region})
    commune, _ = Commune.objects.get_or_create(
        code="69123",
        defaults={
            "name": "Lyon",
            "department": department,
            "postal_codes": ["69001"],
            "latitude": 45.76,
            "longitude": 4.83,
            "search_text": "lyon",
        },
    )
    return commune


_FLOW_URL = re.compile(r"/postuler/parcours/([A-Za-z0-9_-]+)/")


def flow_id_of(url: str) -> str:
    match = _FLOW_URL.search(url)
    assert match, url
    return match.group(1)
