"""Write itou/static/itou/css/dsfr-utility.css: the rules of the DSFR utility stylesheet
(icons, colours…) that our templates, scripts and Python code use, and nothing else.

The whole `utility.min.css` weighs 458 KB (1,200 icons); the subset a few KB. The file
is committed: run `make manage ARGS=build_dsfr_subset` after using a new `fr-icon-…`
(or any other utility class), and commit the result; a test fails when it is stale
(tests/utils/test_dsfr_subset.py). See docs/configuration.md, "Fichiers statiques".
"""

import re
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management.base import BaseCommand

SOURCE = "dsfr/dist/utility/utility.main.min.css"
TARGET = Path(settings.BASE_DIR) / "itou" / "static" / "itou" / "css" / "dsfr-utility.css"
SCANNED = ("*.html", "*.js", "*.py", "*.txt")
CLASS_RE = re.compile(r"\.(fr-[a-zA-Z0-9_-]+)")
WORD_RE = re.compile(r"fr-[a-zA-Z0-9_-]+")
HEADER = (
    "/* Généré par `manage.py build_dsfr_subset` à partir de {source} (DSFR) :\n"
    " * seulement les classes utilisées par le code. Ne pas modifier à la main. */\n"
)


def used_classes() -> set[str]:
    words = set()
    root = Path(settings.BASE_DIR) / "itou"
    for pattern in SCANNED:
        for path in root.rglob(pattern):
            if "static/vendor" in str(path) or path == TARGET:
                continue
            words.update(WORD_RE.findall(path.read_text(errors="ignore")))
    return words


def split_rules(css: str) -> list[str]:
    """Top-level blocks of a minified stylesheet: rules and @media blocks."""
    blocks, depth, start = [], 0, 0
    for index, char in enumerate(css):
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                blocks.append(css[start : index + 1])
                start = index + 1
    return blocks


def keep_rule(rule: str, used: set[str]) -> str | None:
    """The rule restricted to its selectors that use only used classes (None if none does)."""
    selectors, body = rule.split("{", 1)
    kept = []
    for selector in selectors.split(","):
        classes = CLASS_RE.findall(selector)
        if not classes or all(name in used for name in classes):
            kept.append(selector)
    if not kept:
        return None
    return ",".join(kept) + "{" + body


def build(css: str, used: set[str]) -> str:
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    out = []
    for block in split_rules(css):
        block = block.strip()
        if block.startswith("@media") or block.startswith("@supports"):
            head, inner = block.split("{", 1)
            inner_rules = [keep_rule(rule, used) for rule in split_rules(inner[:-1])]
            inner_rules = [rule for rule in inner_rules if rule]
            if inner_rules:
                out.append(head + "{" + "".join(inner_rules) + "}")
        elif block.startswith("@"):
            out.append(block)
        else:
            rule = keep_rule(block, used)
            if rule:
                out.append(rule)
    # Relative to dist/utility/ in the DSFR; this file lives in itou/css/.
    return "\n".join(out).replace("url(../icons/", "url(../../dsfr/dist/icons/") + "\n"


def render() -> str:
    source = Path(finders.find(SOURCE)).read_text()
    return HEADER.format(source=SOURCE) + build(source, used_classes())


class Command(BaseCommand):
    help = "Génère itou/static/itou/css/dsfr-utility.css (le sous-ensemble utilisé de l'utilitaire DSFR)."

    def handle(self, *args, **options):
        content = render()
        TARGET.write_text(content)
        self.stdout.write(f"{TARGET.relative_to(settings.BASE_DIR)} : {len(content.encode()) // 1024} Ko")
