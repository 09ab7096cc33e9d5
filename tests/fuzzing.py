"""Hypothesis strategies shared by the upload fuzz tests."""

from hypothesis import strategies as st


def damaged(data):
    """`data` with a few bytes flipped, cut or spliced in at random places."""
    return st.lists(st.tuples(st.integers(0, len(data) - 1), st.binary(max_size=8)), min_size=1, max_size=6).map(
        lambda edits: _apply(data, edits))


def _apply(data, edits):
    for position, replacement in edits:
        data = data[:position] + replacement + data[position + 1:]
    return data
