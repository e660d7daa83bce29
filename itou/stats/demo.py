"""The steering figures of the demo world (docs/monde-de-demo.md): the aggregates rebuilt
from the demo's applications and PASS IAE, so that the demo DDETS (Rhône) and the demo
ACI see their figures at once, without waiting for the refresh job. Idempotent."""

from itou.stats import refresh


def load_demo_stats() -> None:
    refresh.rebuild()
