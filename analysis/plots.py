"""Charts as SVG geometry, drawn by templates/analysis/_chart.html: no
plotting service, no JavaScript, and the page prints as it shows.

Axes are ticked at round values, 1, 2, 2.5 or 5 times a power of ten (the
"nice numbers" of Heckbert's Graphics Gems), and an axis fitted to data
(counts, information) runs to the next tick beyond it. The left margin is
as wide as the longest tick label, so the y axis's title never overlaps
it, and a marker's label sits above the plot, on the side with room."""

import math
from dataclasses import dataclass, field

WIDTH, HEIGHT = 600, 280
RIGHT, TOP, BOTTOM = 16, 28, 44
TITLE_BAND = 22  # the rotated y-axis title, from the left edge
CHARACTER = 7  # a tick label character's width at the chart's 12px, generously
STEPS = (1, 2, 2.5, 5, 10)  # per power of ten


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
    markers: list = field(default_factory=list)  # (x, text, label x, label anchor): vertical lines
    width: int = WIDTH
    height: int = HEIGHT
    left: int = TITLE_BAND + 24
    right: int = WIDTH - RIGHT
    top: int = TOP
    bottom: int = HEIGHT - BOTTOM


class _Scale:
    def __init__(self, low, high, start, end):
        self.low, self.span, self.start, self.end = low, (high - low) or 1.0, start, end

    def __call__(self, value):
        return round(self.start + (value - self.low) / self.span * (self.end - self.start), 1)


def nice_step(span, count=5, integers=False):
    """The smallest of 1, 2, 2.5 and 5 times a power of ten that cuts `span`
    into at most `count` steps; a whole number if `integers`."""
    if not span > 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(span / count))
    if integers:
        power = max(power, 1.0)
    return next(step for step in (multiple * power for multiple in STEPS)
                if step * count >= span * (1 - 1e-9) and not (integers and step % 1))


def nice_ticks(low, high, count=5, integers=False, extend=False):
    """Ticks at the multiples of the nice step between `low` and `high`; with
    `extend`, from the multiple at or below `low` to the one at or above `high`."""
    step = nice_step(high - low, count, integers)
    if extend:
        first, last = math.floor(low / step + 1e-9), math.ceil(high / step - 1e-9)
    else:
        first, last = math.ceil(low / step - 1e-9), math.floor(high / step + 1e-9)
    decimals = _decimals(step)
    return [round(index * step, decimals) + 0.0 for index in range(first, last + 1)]  # + 0.0: no "-0"


def _decimals(step):
    """How many decimals show a step's multiples exactly: 0.25 needs 2, 2.5 one, 5 none."""
    return next(digits for digits in range(12) if abs(round(step, digits) - step) <= 1e-9 * step)


def _texts(values):
    step = values[1] - values[0] if len(values) > 1 else 1
    return [f"{value:,.{_decimals(step)}f}" for value in values]


def _fit_left(chart, y_texts):
    """The plot starts right of the longest y tick label, itself right of the axis title."""
    chart.left = TITLE_BAND + 8 + CHARACTER * max(map(len, y_texts), default=1)


def _markers(chart, x, markers):
    """Each marker's line, and its label above the plot, on the side of the line with room."""
    middle = (chart.left + chart.right) / 2
    return [(x(value), text, x(value) + 4 if x(value) <= middle else x(value) - 4,
             "start" if x(value) <= middle else "end") for value, text in markers]


def line_chart(title, x_label, y_label, lines, x_range, y_range, markers=(), x_integers=False):
    """`lines`: (label, xs, ys, dots) with dots a list of (x, y, title) or
    empty; `x_integers` when x counts whole things (score groups)."""
    chart = Chart(title, x_label, y_label)
    x_values = nice_ticks(*x_range, integers=x_integers, extend=True)
    y_values = nice_ticks(*y_range, extend=True)
    y_texts = _texts(y_values)
    _fit_left(chart, y_texts)
    x = _Scale(x_values[0], x_values[-1], chart.left, chart.right)
    y = _Scale(y_values[0], y_values[-1], chart.bottom, chart.top)
    for label, xs, ys, dots in lines:
        points = " ".join(f"{x(a)},{y(b)}" for a, b in zip(xs, ys) if b is not None)
        chart.series.append(Series(label, points, [(x(a), y(b), text) for a, b, text in dots if b is not None]))
    chart.x_ticks = list(zip(map(x, x_values), _texts(x_values)))
    chart.y_ticks = list(zip(map(y, y_values), y_texts))
    chart.markers = _markers(chart, x, markers)
    return chart


def histogram(title, counts, cut=None):
    """Bars of candidates per raw score 0..n, with the cut marked."""
    chart = Chart(title, "Raw score", "Candidates")
    y_values = nice_ticks(0, max(max(counts, default=0), 1), 4, integers=True, extend=True)
    y_texts = _texts(y_values)
    _fit_left(chart, y_texts)
    x = _Scale(-0.5, len(counts) - 0.5, chart.left, chart.right)
    y = _Scale(0, y_values[-1], chart.bottom, chart.top)
    width = max(round(x(1) - x(0) - 1, 1), 1)
    chart.bars = [(round(x(score) - width / 2, 1), y(count), width, round(chart.bottom - y(count), 1),
                   f"{count} candidate(s) scored {score}") for score, count in enumerate(counts)]
    scores = nice_ticks(0, max(len(counts) - 1, 0), integers=True)
    chart.x_ticks = list(zip(map(x, scores), _texts(scores)))
    chart.y_ticks = list(zip(map(y, y_values), y_texts))
    if cut is not None:
        chart.markers = _markers(chart, x, [(cut - 0.5, f"cut {cut}")])
    return chart
