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


@dataclass(frozen=True)
class SimulatedGpcm:
    theta: np.ndarray  # persons
    a: np.ndarray  # items
    steps: np.ndarray  # items x the most steps, NaN past an item's own
    scores: np.ndarray  # persons x items, category numbers 0..m


def simulate_gpcm(n_persons, categories, seed, *, a_range=(0.7, 2.0), b_sd=1.0):
    """Category numbers from the generalised partial credit model, abilities
    N(0, 1): per item a slope, and steps drawn N(0, b_sd) and sorted (an
    item of two categories answers as the 2PL)."""
    rng = np.random.default_rng(seed)
    categories = np.asarray(categories)
    width = categories.max()
    theta = rng.standard_normal(n_persons)
    a = rng.uniform(*a_range, categories.shape[0])
    steps = np.sort(rng.normal(0, b_sd, (categories.shape[0], width - 1)), axis=1)
    steps[np.arange(width - 1)[None, :] >= categories[:, None] - 1] = np.nan
    increments = np.where(np.isnan(steps), -np.inf, a[:, None] * (theta[:, None, None] - steps[None]))
    logits = np.concatenate([np.zeros((n_persons, categories.shape[0], 1)), np.cumsum(increments, axis=2)], axis=2)
    probability = np.exp(logits - logits.max(axis=2, keepdims=True))
    probability /= probability.sum(axis=2, keepdims=True)
    draws = rng.random((n_persons, categories.shape[0], 1))
    scores = (probability.cumsum(axis=2) < draws).sum(axis=2)
    return SimulatedGpcm(theta, a, steps, np.minimum(scores, categories - 1).astype(np.float64))
