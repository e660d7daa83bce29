"""The state diagrams of the docs are the tables of the code (MACHINE.mermaid())."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from itou.approvals.enums import ProlongationRequestStatus
from itou.approvals.workflow import MACHINE as PROLONGATION_REQUEST_MACHINE
from itou.control.enums import CampaignPhase
from itou.control.workflow import CAMPAIGN as CONTROL_CAMPAIGN_MACHINE
from itou.job_applications.enums import JobApplicationState
from itou.job_applications.workflow import MACHINE as JOB_APPLICATION_MACHINE

DOCS = Path(settings.BASE_DIR) / "docs"


def mermaid_block(doc: str) -> str:
    blocks = re.findall(r"```mermaid\n(.*?)\n```", (DOCS / doc).read_text(), re.DOTALL)
    assert len(blocks) == 1, f"{doc}: one state diagram expected"
    return blocks[0]


@pytest.mark.parametrize(
    "doc,machine,states",
    [
        ("candidatures.md", JOB_APPLICATION_MACHINE, JobApplicationState),
        ("pass-iae.md", PROLONGATION_REQUEST_MACHINE, ProlongationRequestStatus),
        ("controle.md", CONTROL_CAMPAIGN_MACHINE, CampaignPhase),
    ],
)
def test_the_diagram_of_the_doc_is_the_table(doc, machine, states):
    assert mermaid_block(doc) == machine.mermaid(state_order=list(states))


def test_every_edge_of_the_table_is_drawn():
    diagram = mermaid_block("candidatures.md")
    for transition in JOB_APPLICATION_MACHINE.state_transitions().values():
        for source in transition.sources:
            assert f"    {source} --> {transition.target} : {transition.name}" in diagram
