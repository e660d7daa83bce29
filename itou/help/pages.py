"""The guides: Markdown files in itou/help/content/, rendered to safe HTML and indexed.

Each file starts with a header block, then Markdown:

    ---
    title: Les critères d'éligibilité à l'IAE
    summary: Une phrase.
    audiences: prescripteurs, employeurs
    rank: 30
    ---

Headings may carry an anchor (`## Niveau 1 {#niveau-1}`) that forms and pages link to
("?" links). The HTML goes through nh3 (an allow-list): the content is ours, but a mistake
in a file must never put a script on the site.
"""

import dataclasses
import functools
import re
from pathlib import Path

import markdown
import nh3
from django.contrib.postgres.search import SearchVector
from django.db import transaction
from django.utils import timezone

CONTENT_DIR = Path(__file__).parent / "content"
NEWS_SLUG = "nouveautes"
HEADER = re.compile(r"\A---\n(?P<header>.*?)\n---\n", re.DOTALL)

ALLOWED_TAGS = {
    "h2", "h3", "h4", "p", "ul", "ol", "li", "strong", "em", "a", "code", "blockquote",
    "table", "thead", "tbody", "tr", "th", "td", "br", "hr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"h2": {"id"}, "h3": {"id"}, "h4": {"id"}, "a": {"href", "title"}, "th": {"scope"}}


@dataclasses.dataclass(frozen=True)
class Guide:
    slug: str
    title: str
    summary: str
    audiences: tuple[str, ...]
    rank: int
    markdown: str

    @functools.cached_property
    def html(self) -> str:
        return render(self.markdown)

    @property
    def text(self) -> str:
        return nh3.clean(self.html, tags=set()).strip()


def render(source: str) -> str:
    """Markdown → sanitized HTML, with DSFR classes on tables."""
    html = markdown.markdown(source, extensions=["attr_list", "tables", "sane_lists"], output_format="html")
    html = nh3.clean(
        html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, link_rel="noopener", url_schemes={"https", "mailto"}
    )
    return html


def parse(path: Path) -> Guide:
    content = path.read_text(encoding="utf-8")
    match = HEADER.match(content)
    if not match:
        raise ValueError(f"{path.name} : en-tête --- manquant")
    fields = {}
    for line in match.group("header").splitlines():
        key, _, value = line.partition(":")
        fields[key.strip()] = value.strip()
    return Guide(
        slug=path.stem,
        title=fields["title"],
        summary=fields.get("summary", ""),
        audiences=tuple(a.strip() for a in fields.get("audiences", "tous").split(",") if a.strip()),
        rank=int(fields.get("rank", 100)),
        markdown=content[match.end() :],
    )


@functools.cache
def all_guides() -> dict[str, Guide]:
    return {guide.slug: guide for guide in sorted(map(parse, CONTENT_DIR.glob("*.md")), key=lambda g: (g.rank, g.slug))}


def index_pages(using: str = "default") -> int:
    """Rebuild HelpPage from the files (French full-text configuration, title weighted A)."""
    from itou.help.models import HelpPage

    guides = all_guides()
    with transaction.atomic(using=using):
        HelpPage.objects.using(using).exclude(slug__in=guides).delete()
        for guide in guides.values():
            HelpPage.objects.using(using).update_or_create(
                slug=guide.slug,
                defaults={
                    "title": guide.title,
                    "summary": guide.summary,
                    "audiences": ", ".join(guide.audiences),
                    "rank": guide.rank,
                    "text": guide.text,
                    "indexed_at": timezone.now(),
                },
            )
        HelpPage.objects.using(using).update(
            search_vector=SearchVector("title", weight="A", config="french")
            + SearchVector("summary", weight="B", config="french")
            + SearchVector("text", weight="C", config="french")
        )
    return len(guides)
