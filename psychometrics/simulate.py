"""Seeded simulated data for tests and benchmarks: the same seed, the same data."""

from dataclasses import dataclass

import numpy as np

from psychometrics import OMITTED


@dataclass(frozen=True)
class Simulated:
    theta: np.ndarray  # persons
    a: np.ndarray  # items
    b: np.ndarray
    scored: np.ndarray  # persons x items, 0/1


def simulate_2pl(n_persons, n_items, seed, *, a_range=(0.7, 2.0), b_sd=1.0):
    """0/1 responses from the two-parameter logistic model, abilities N(0, 1)."""
    rng = np.random.default_rng(seed)
    theta = rng.standard_normal(n_persons)
    a = rng.uniform(*a_range, n_items)
    b = rng.normal(0, b_sd, n_items)
    probability = 1 / (1 + np.exp(-a * (theta[:, None] - b)))
    return Simulated(theta, a, b, (rng.random((n_persons, n_items)) < probability).astype(np.float64))


def simulate_rasch(n_persons, n_items, seed):
    return simulate_2pl(n_persons, n_items, seed, a_range=(1.0, 1.0))


def choices_from(scored, n_options, seed, omit_rate=0.0):
    """Option codes consistent with a scored matrix: key 0 where correct, a
    distractor at random otherwise, some omitted (scoring 0); and the keys."""
    rng = np.random.default_rng(seed)
    n_persons, n_items = scored.shape
    key = rng.integers(0, n_options, n_items)
    distractor = (key + rng.integers(1, n_options, (n_persons, n_items))) % n_options
    choices = np.where(scored == 1, key, distractor).astype(np.int8)
    omitted = (scored == 0) & (rng.random((n_persons, n_items)) < omit_rate)
    choices[omitted] = OMITTED
    keys = np.zeros((n_items, n_options), dtype=bool)
    keys[np.arange(n_items), key] = True
    return choices, keys
