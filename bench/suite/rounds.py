"""The one estimator for "ours / a baseline" measured in rounds side by side."""

from __future__ import annotations

import statistics
from collections.abc import Iterable


def paired_ratio(ours: Iterable[float], baseline: Iterable[float]) -> float:
    """The median of each round's ``ours / baseline``.

    This VM swings 15-25 % from one round to the next with nothing else running; a round's two
    measurements share its state, so their ratio cancels it, where a best-of-N on each side compared
    one side's lucky round with the other's ordinary one.
    """
    return statistics.median(o / b for o, b in zip(ours, baseline, strict=True))
