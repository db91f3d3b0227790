"""Bar charts as SVG geometry that the templates draw with plain attributes: no script, no
inline style, so they live within the Content-Security-Policy."""

from pydantic import BaseModel

WIDTH = 640
BAR_HEIGHT = 22
GAP = 6
LABEL_WIDTH = 210
COUNT_WIDTH = 50


class Bar(BaseModel):
    label: str
    count: int
    y: int
    width: int


class BarChart(BaseModel):
    title: str
    bars: list[Bar]
    height: int
    label_width: int = LABEL_WIDTH
    bar_left: int = LABEL_WIDTH + 8
    width: int = WIDTH


def bar_chart(title: str, counts: list[tuple[str, int]]) -> BarChart:
    """Horizontal bars, one per (label, count), scaled to the largest count."""
    largest = max((count for _, count in counts), default=0) or 1
    room = WIDTH - LABEL_WIDTH - 8 - COUNT_WIDTH
    bars = [
        Bar(label=label, count=count, y=n * (BAR_HEIGHT + GAP), width=round(room * count / largest))
        for n, (label, count) in enumerate(counts)
    ]
    return BarChart(title=title, bars=bars, height=max(len(bars), 1) * (BAR_HEIGHT + GAP))
