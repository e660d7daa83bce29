"""Bar charts drawn on the server as SVG: no JavaScript, no inline style (CSP), colours
of the DSFR palette (presentation attributes). The numbers are always in the table
next to the chart: the SVG is an image with a short text alternative."""

import functools
import json
from pathlib import Path

from django.utils.html import format_html, format_html_join

BAR_COLOUR = "#000091"  # bleu France (DSFR, blue-france-sun-113)
TEXT_COLOUR = "#161616"  # DSFR grey-50-1000
ROW_HEIGHT = 28
LABEL_WIDTH = 330
BAR_WIDTH = 380


def bar_chart(points, *, title: str) -> str:
    """`points`: (label, value) pairs; a value that is not a number (hidden small count)
    is drawn as an empty bar with its text."""
    numbers = [v for _, v in points if isinstance(v, int | float)]
    top = max(numbers, default=0) or 1
    height = ROW_HEIGHT * len(points) + 8
    bars = []
    for index, (label, value) in enumerate(points):
        y = index * ROW_HEIGHT + 4
        width = round(BAR_WIDTH * value / top) if isinstance(value, int | float) else 0
        label = str(label)
        short = label if len(label) <= 48 else label[:46] + "…"
        bars.append(
            (
                LABEL_WIDTH - 8,
                y + 18,
                TEXT_COLOUR,
                short,
                LABEL_WIDTH,
                y + 4,
                max(width, 1),
                BAR_COLOUR,
                LABEL_WIDTH + width + 6,
                y + 18,
                TEXT_COLOUR,
                value,
            )
        )
    body = format_html_join(
        "",
        '<text x="{}" y="{}" text-anchor="end" font-size="13" fill="{}">{}</text>'
        '<rect x="{}" y="{}" width="{}" height="18" fill="{}"></rect>'
        '<text x="{}" y="{}" font-size="13" fill="{}">{}</text>',
        bars,
    )
    return format_html(
        '<svg class="itou-stats-chart" role="img" aria-label="{}" viewBox="0 0 {} {}" width="100%" '
        'preserveAspectRatio="xMinYMin meet" focusable="false">{}</svg>',
        f"Graphique : {title}. Les valeurs sont dans le tableau qui suit.",
        LABEL_WIDTH + BAR_WIDTH + 80,
        height,
        body,
    )


# --- Map of departments ---------------------------------------------------------------------

# Sequential scale of the DSFR "bleu France" tones, light to dark.
MAP_COLOURS = ["#e3e3fd", "#cacafb", "#8585f6", "#6a6af4", "#000091"]
MAP_EMPTY = "#f6f6f6"  # DSFR grey-975: outside the scope or no data
MAP_BORDER = "#ffffff"


@functools.cache
def department_shapes() -> dict:
    """Metropolitan departments (source and licence: itou/stats/data/README.md)."""
    return json.loads((Path(__file__).resolve().parents[2] / "stats" / "data" / "departements.json").read_text())


def map_classes(values: list[float]) -> list[float]:
    """Upper bounds of 5 classes of equal size (quantiles) of the values."""
    ordered = sorted(values)
    if not ordered:
        return []
    return [
        ordered[min(len(ordered) - 1, (len(ordered) * (k + 1)) // len(MAP_COLOURS) - 1)]
        for k in range(len(MAP_COLOURS))
    ]


def department_map(values: dict, *, title: str, unit: str = "") -> str:
    """`values`: department code → number, or text (hidden small count) drawn empty."""
    shapes = department_shapes()
    numbers = [v for v in values.values() if isinstance(v, int | float)]
    bounds = map_classes(numbers)

    def colour(value):
        if not isinstance(value, int | float):
            return MAP_EMPTY
        for bound, fill in zip(bounds, MAP_COLOURS, strict=False):
            if value <= bound:
                return fill
        return MAP_COLOURS[-1]

    paths = format_html_join(
        "",
        '<path d="{}" fill="{}" stroke="{}" stroke-width="0.6"><title>{} ({}) : {}</title></path>',
        (
            (
                shape["path"],
                colour(values.get(shape["code"])),
                MAP_BORDER if shape["code"] in values else "#dddddd",
                shape["name"],
                shape["code"],
                f"{values[shape['code']]}{unit}" if shape["code"] in values else "hors périmètre",
            )
            for shape in shapes["departments"]
        ),
    )
    return format_html(
        '<svg class="itou-stats-map" role="img" aria-label="{}" viewBox="{}" width="100%" focusable="false">{}</svg>',
        f"Carte des départements : {title}. Les valeurs sont dans le tableau qui suit.",
        shapes["viewBox"],
        paths,
    )


def map_legend(values: dict, unit: str = "") -> list[tuple[str, str]]:
    bounds = map_classes([v for v in values.values() if isinstance(v, int | float)])
    legend, low = [], None
    for bound, fill in zip(bounds, MAP_COLOURS, strict=False):
        if low is None:
            legend.append((fill, f"jusqu'à {bound}{unit}"))
        elif bound != low:
            legend.append((fill, f"de plus de {low}{unit} à {bound}{unit}"))
        low = bound
    return legend
