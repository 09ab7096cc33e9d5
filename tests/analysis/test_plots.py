"""Chart geometry: ticks at round values on known ranges, and labels that
keep clear of the axis titles and of the chart's edges."""

import pytest

from analysis import plots


@pytest.mark.parametrize("low, high, options, expected", [
    (-4, 4, {}, [-4, -2, 0, 2, 4]),  # the ability axis
    (0, 1, {}, [0, 0.2, 0.4, 0.6, 0.8, 1]),  # proportions
    (0, 7.34, {"extend": True}, [0, 2, 4, 6, 8]),  # test information, to the tick above its peak
    (0, 39, {"count": 4, "integers": True, "extend": True}, [0, 10, 20, 30, 40]),  # candidates per score
    (0, 1234, {"extend": True}, [0, 250, 500, 750, 1000, 1250]),  # 2.5 x 10^2
    (-0.35, 0.8, {}, [-0.25, 0, 0.25, 0.5, 0.75]),  # 2.5 x 10^-1, inside the range
    (0.003, 0.0171, {"extend": True}, [0, 0.005, 0.01, 0.015, 0.02]),
    (1, 3, {}, [1, 1.5, 2, 2.5, 3]),
    (1, 3, {"integers": True}, [1, 2, 3]),  # score groups: no half groups
    (0, 3, {"integers": True}, [0, 1, 2, 3]),
    (0, 150, {"integers": True}, [0, 50, 100, 150]),
])
def test_ticks_fall_on_round_values(low, high, options, expected):
    assert plots.nice_ticks(low, high, **options) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("span, count, step", [(8, 5, 2), (1, 5, 0.2), (7.34, 5, 2), (12, 5, 2.5), (60, 5, 20),
                                               (0.6, 5, 0.2), (100, 4, 25), (3, 5, 1)])
def test_the_step_is_the_smallest_nice_number_that_fits(span, count, step):
    assert plots.nice_step(span, count) == pytest.approx(step)


def test_tick_labels_show_each_value_exactly_once_and_no_minus_zero():
    chart = plots.line_chart("Information", "Ability", "Information", [("I", [-4, 4], [0, 0.9], [])], (-4, 4),
                             (-0.35, 0.9))

    assert [text for _, text in chart.y_ticks] == ["-0.50", "-0.25", "0.00", "0.25", "0.50", "0.75", "1.00"]
    assert [text for _, text in chart.x_ticks] == ["-4", "-2", "0", "2", "4"]


def test_the_y_tick_labels_keep_clear_of_the_axis_title():
    chart = plots.histogram("Scores", [12_000, 48_000, 30_000])

    longest = max(len(text) for _, text in chart.y_ticks)
    assert longest == len("50,000")
    # Tick labels end 6 px left of the axis; the rotated title takes the band up to TITLE_BAND.
    assert chart.left - 6 - plots.CHARACTER * longest >= plots.TITLE_BAND


@pytest.mark.parametrize("cut, anchor", [(2, "start"), (58, "end")])
def test_a_marker_label_sits_above_the_plot_on_the_side_with_room(cut, anchor):
    chart = plots.histogram("Scores", [3] * 61, cut=cut)

    (x, text, label_x, label_anchor), = chart.markers
    assert text == f"cut {cut}" and label_anchor == anchor
    assert chart.left <= x <= chart.right
    assert (label_x > x) if anchor == "start" else (label_x < x)
