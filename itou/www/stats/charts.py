"""Bar charts drawn on the server as SVG: no JavaScript, no inline style (CSP), colours
of the DSFR palette (presentation attributes). The numbers are always in the table
next to the chart: the SVG is an image with a short text alternative."""

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
