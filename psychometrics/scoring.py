"""From selected options to scores: keys, weights, dropped items, totals,
subscores, scaled scores and pass/fail."""

from dataclasses import dataclass

import numpy as np

from psychometrics import OMITTED


def keys_matrix(key_sets, n_options):
    """Items x options booleans from one collection of keyed option codes per
    item (empty for a dropped item)."""
    keys = np.zeros((len(key_sets), n_options), dtype=bool)
    for item, keyed in enumerate(key_sets):
        keys[item, list(keyed)] = True
    return keys


def score(choices, keys):
    """0/1 scored matrix: 1 where the chosen option is keyed; omitted scores 0."""
    choices = np.asarray(choices)
    n_items, n_options = keys.shape
    if choices.shape[1] != n_items:
        raise ValueError(f"{choices.shape[1]} item columns but {n_items} keys")
    if choices.size and (choices.max() >= n_options or choices.min() < OMITTED):
        raise ValueError(f"option codes must be {OMITTED} (omitted) or 0 to {n_options - 1}")
    padded = np.concatenate([keys, np.zeros((n_items, 1), dtype=bool)], axis=1)  # column -1: omitted
    return padded[np.arange(n_items), choices].astype(np.float64)


def passes(points, possible, cut_percent):
    """The pass rule, for one score or an array of them: `points` of `possible`
    reach the cut, compared unrounded and exactly (48 of 60 is 80%, not
    79.99...), and with nothing possible no one passes."""
    passed = (possible > 0) & (np.asarray(points, dtype=np.float64) * 100 >= cut_percent * possible - 1e-9)
    return bool(passed) if np.ndim(passed) == 0 else passed


@dataclass(frozen=True)
class Scores:
    raw: np.ndarray  # per person, weighted points
    possible: float
    percent: np.ndarray
    subscores: dict  # domain -> per-person points
    subscore_possible: dict  # domain -> its possible points
    scaled: np.ndarray
    passed: np.ndarray  # booleans


def total_scores(scored, *, weights=None, dropped=None, domains=None, cut_percent=80.0, scale=(1.0, 0.0),
                 max_points=None):
    """Raw, percent, per-domain and scaled scores, and pass/fail at the cut.

    `weights` multiply each item's points; `dropped` items count for no one;
    `max_points` is each item's maximum (1 for 0/1 items); `scale` is
    (slope, intercept) of the linear transformation of the raw score."""
    scored = np.asarray(scored, dtype=np.float64)
    n_items = scored.shape[1]
    weights = np.ones(n_items) if weights is None else np.asarray(weights, dtype=np.float64)
    if dropped is not None:
        weights = np.where(np.asarray(dropped, dtype=bool), 0.0, weights)
    max_points = np.ones(n_items) if max_points is None else np.asarray(max_points, dtype=np.float64)
    raw = scored @ weights
    possible = float(max_points @ weights)
    percent = raw / possible * 100 if possible else np.full(raw.shape, np.nan)
    subscores, subscore_possible = {}, {}
    if domains is not None:
        domains = np.asarray(domains)
        for domain in dict.fromkeys(domains.tolist()):
            columns = domains == domain
            subscores[domain] = scored[:, columns] @ weights[columns]
            subscore_possible[domain] = float(max_points[columns] @ weights[columns])
    slope, intercept = scale
    return Scores(raw, possible, percent, subscores, subscore_possible, raw * slope + intercept,
                  passes(raw, possible, cut_percent))
