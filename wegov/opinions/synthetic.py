"""Generated conversations with planted opinion groups, for tests and the benchmark."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Planted:
    rows: np.ndarray  # participant index of each vote
    cols: np.ndarray  # statement index of each vote
    values: np.ndarray  # -1, 0, 1
    groups: np.ndarray  # true group of each participant
    n_participants: int
    n_statements: int

    @property
    def participant_numbers(self) -> np.ndarray:
        return np.arange(self.n_participants)

    @property
    def statement_numbers(self) -> np.ndarray:
        return np.arange(self.n_statements)


def planted(
    *,
    participants: int,
    statements: int,
    groups: int,
    seed: int = 0,
    density: tuple[float, float] = (0.2, 0.6),
    noise: float = 0.1,
    passes: float = 0.05,
    shared: float = 0.2,
) -> Planted:
    """A conversation whose participants fall in ``groups`` planted groups.

    Opinions live in a plane: group g stands at angle 2πg/groups, statement
    j points at a random angle θ_j, and the group's side on it is the sign of
    cos(angle - θ_j) (agree or disagree); a share ``shared`` of the
    statements has the same side in every group (consensus).
    Each participant votes on a random share of the statements drawn from
    ``density``; a vote is the group's side, a pass with probability
    ``passes``, or the other side with probability ``noise``.
    """
    rng = np.random.default_rng(seed)
    truth = rng.permutation(np.arange(participants) % groups)
    angles = 2 * np.pi * np.arange(groups) / groups
    theta = rng.uniform(0, 2 * np.pi, size=statements)
    sides = np.where(np.cos(angles[:, None] - theta[None, :]) >= 0, 1, -1)
    common = rng.random(statements) < shared
    sides[:, common] = sides[0, common]
    counts = np.maximum(1, (rng.uniform(*density, size=participants) * statements).astype(np.int64))
    rows = np.repeat(np.arange(participants), counts)
    cols = np.concatenate([rng.choice(statements, size=c, replace=False) for c in counts])
    values = sides[truth[rows], cols].astype(np.int64)
    draw = rng.random(len(values))
    values[draw < noise] *= -1
    values[(draw >= noise) & (draw < noise + passes)] = 0
    return Planted(rows, cols, values, truth, participants, statements)
