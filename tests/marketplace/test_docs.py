import re
from pathlib import Path

from django.conf import settings

from itou.marketplace.enums import NeedStatus
from itou.marketplace.workflow import NEED_MACHINE


def test_the_diagram_of_the_doc_is_the_table():
    text = (Path(settings.BASE_DIR) / "docs" / "marche.md").read_text()
    (block,) = re.findall(r"```mermaid\n(.*?)\n```", text, re.DOTALL)
    assert block == NEED_MACHINE.mermaid(state_order=list(NeedStatus))
