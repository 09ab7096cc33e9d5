"""Charts as SVG geometry, drawn by templates/analysis/_chart.html: no
plotting service, no JavaScript, and the page prints as it shows."""

from dataclasses import dataclass, field

WIDTH, HEIGHT = 600, 280
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 44


@dataclass
class Series:
    label: str
    points: str = ""  # an SVG polyline's "x,y x,y ..."
    dots: list = field(default_factory=list)  # (x, y, title)


@dataclass
class Chart:
    title: str
    x_label: str
    y_label: str
    series: list = field(default_factory=list)
    bars: list = field(default_factory=list)  # (x, y, width, height, title)
    x_ticks: list = field(default_factory=list)  # (x, text)
    y_ticks: list = field(default_factory=list)
    markers: list = field(default_factory=list)  # (x, text): vertical lines
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    top: int = TOP
    bottom: int = HEIGHT - BOTTOM


class _Scale:
    def __init__(self, low, high, start, end):
        self.low, self.span, self.start, self.end = low, (high - low) or 1.0, start, end

    def __call__(self, value):
        return round(self.start + (value - self.low) / self.span * (self.end - self.start), 1)


def _ticks(low, high, count=5):
    step = (high - low) / count
    return [low + step * i for i in range(count + 1)]


def _text(value):
    return f"{value:g}" if abs(value) >= 10 or value == int(value) else f"{value:.1f}"


def line_chart(title, x_label, y_label, lines, x_range, y_range, markers=()):
    """`lines`: (label, xs, ys, dots) with dots a list of (x, y, title) or empty."""
    chart = Chart(title, x_label, y_label)
    x = _Scale(*x_range, chart.left, chart.right)
    y = _Scale(*y_range, chart.bottom, chart.top)
    for label, xs, ys, dots in lines:
        points = " ".join(f"{x(a)},{y(b)}" for a, b in zip(xs, ys) if b is not None)
        chart.series.append(Series(label, points, [(x(a), y(b), text) for a, b, text in dots if b is not None]))
    chart.x_ticks = [(x(value), _text(value)) for value in _ticks(*x_range)]
    chart.y_ticks = [(y(value), _text(value)) for value in _ticks(*y_range)]
    chart.markers = [(x(value), text) for value, text in markers]
    return chart


def histogram(title, counts, cut=None):
    """Bars of candidates per raw score 0..n, with the cut marked."""
    chart = Chart(title, "Raw score", "Candidates")
    highest = max(max(counts, default=0), 1)
    x = _Scale(-0.5, len(counts) - 0.5, chart.left, chart.right)
    y = _Scale(0, highest, chart.bottom, chart.top)
    width = max(round(x(1) - x(0) - 1, 1), 1)
    chart.bars = [(round(x(score) - width / 2, 1), y(count), width, round(chart.bottom - y(count), 1),
                   f"{count} candidate(s) scored {score}") for score, count in enumerate(counts)]
    scores = sorted({round(value) for value in _ticks(0, len(counts) - 1)})
    chart.x_ticks = [(x(score), str(score)) for score in scores]
    chart.y_ticks = [(y(value), _text(value)) for value in _ticks(0, highest, 4)]
    if cut is not None:
        chart.markers = [(x(cut - 0.5), f"cut {cut}")]
    return chart
