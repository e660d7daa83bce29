"""The streamed XLSX export: bytes before the rows are read, readable by openpyxl."""

import datetime
import io
import uuid

import openpyxl

from itou.www.stats.exports import stream_xlsx


def test_xlsx_streams_before_reading_the_rows_and_opens_in_openpyxl():
    read = []

    def rows():
        for i in range(3_000):
            read.append(i)
            yield [i, f"<b>Structure & {i}</b>\x01", datetime.date(2026, 1, 1), None, True, 2.5, uuid.UUID(int=i)]

    chunks = stream_xlsx(
        "candidatures", ["id", "nom", "date", "vide", "oui", "taux", "uuid"], rows(), rows_per_chunk=100
    )
    first = next(chunks)
    assert first.startswith(b"PK") and read == []  # the first bytes leave before any row is read
    second = next(chunks)
    assert 0 < len(read) <= 100  # then one chunk of rows at a time (bounded memory)
    data = first + second + b"".join(chunks)
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    values = list(sheet.values)
    assert sheet.title == "candidatures"
    assert values[0] == ("id", "nom", "date", "vide", "oui", "taux", "uuid")
    assert len(values) == 3_001
    assert values[2] == (
        1,
        "<b>Structure & 1</b>",
        datetime.datetime(2026, 1, 1),
        None,
        True,
        2.5,
        str(uuid.UUID(int=1)),
    )
