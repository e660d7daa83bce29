"""CVs (and any PDF a person sends) with active content are refused with a French message."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

from itou.job_applications.apply import resume_check
from itou.utils.pdf_safety import ACTIVE_CONTENT_MESSAGE, ActivePDFContent, pdf_active_content_check
from tests.www.apply.helpers import make_pdf


def _writer() -> PdfWriter:
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(make_pdf("CV de Camille, développeuse Node/JavaScript"))))
    return writer


def _bytes(writer: PdfWriter, compress: bool = False) -> bytes:
    if compress:
        for page in writer.pages:
            page.compress_content_streams()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _add_js(writer, code: str):
    action = DictionaryObject({NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject(code)})
    names = DictionaryObject(
        {NameObject("/Names"): ArrayObject([TextStringObject("ouverture"), writer._add_object(action)])}
    )
    writer._root_object[NameObject("/Names")] = DictionaryObject({NameObject("/JavaScript"): names})


def with_javascript():
    writer = _writer()
    _add_js(writer, "app.alert('bonjour');")
    return _bytes(writer)


def with_launch_action():
    writer = _writer()
    launch = DictionaryObject({NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("calc.exe")})
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(launch)
    return _bytes(writer)


def with_embedded_file():
    writer = _writer()
    writer.add_attachment("virus.exe", b"MZ\x90\x00")
    return _bytes(writer)


def with_page_action():
    writer = _writer()
    action = DictionaryObject({NameObject("/S"): NameObject("/SubmitForm"), NameObject("/F"): TextStringObject("x")})
    writer.pages[0][NameObject("/AA")] = DictionaryObject({NameObject("/O"): writer._add_object(action)})
    return _bytes(writer, compress=True)


@pytest.mark.parametrize("make", [with_javascript, with_launch_action, with_embedded_file, with_page_action])
def test_active_content_is_refused(make):
    data = make()
    with pytest.raises(ValidationError) as error:
        resume_check(SimpleUploadedFile("cv.pdf", data, content_type="application/pdf"))
    assert error.value.messages == [ACTIVE_CONTENT_MESSAGE]
    assert "Imprimer" in ACTIVE_CONTENT_MESSAGE


def test_a_plain_cv_passes_even_if_it_says_javascript():
    resume_check(SimpleUploadedFile("cv.pdf", make_pdf("Node/JavaScript, /Launch"), content_type="application/pdf"))
    pdf_active_content_check(_bytes(_writer()))


def test_names_written_in_hexadecimal_are_decoded():
    """/#4A#53 is /JS for a PDF reader: a byte scan would miss it, the parser does not."""
    data = with_javascript().replace(b"/JS ", b"/#4A#53 ").replace(b"/JavaScript", b"/J#61vaScript")
    assert b"/JavaScript" not in data and b"/JS " not in data
    with pytest.raises(ActivePDFContent):
        pdf_active_content_check(data)


def test_the_apply_journey_shows_the_message(client, company, job_seeker):
    from django.core.files.storage import default_storage
    from django.urls import reverse

    from itou.job_applications.apply import resume_draft_name
    from tests.www.apply.test_bad_input import at_message_step

    flow_id = at_message_step(client, company, job_seeker)
    response = client.post(
        reverse("apply:message", args=[flow_id]),
        {"message": "Bonjour", "action": "next", "resume": SimpleUploadedFile("cv.pdf", with_javascript())},
    )
    assert response.status_code == 200
    assert "contient du contenu actif" in response.content.decode()
    assert not default_storage.exists(resume_draft_name(flow_id))
