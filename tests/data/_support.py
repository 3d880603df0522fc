"""Geometry checks written in NumPy, independent of the code under test."""

import numpy as np


def k_nearest(points, k):
    """Brute-force k nearest neighbours (excluding self) by Euclidean distance.

    Returns an (n, k) array of positions and the (n, k) distances, plus the
    distance of the k-th neighbour for tie handling.
    """
    d = np.sqrt(((points[:, None, :] - points[None, :, :]) ** 2).sum(-1))
    np.fill_diagonal(d, np.inf)
    order = np.argsort(d, axis=1, kind="stable")[:, :k]
    return order, np.take_along_axis(d, order, axis=1)


def allowed_pairs(points, k, tol=1e-9):
    """For each point, the set of points within its k-th neighbour distance.

    Ties at the k-th distance are all allowed (any of them may be returned by
    a k-NN search).
    """
    _, dist = k_nearest(points, k)
    d = np.sqrt(((points[:, None, :] - points[None, :, :]) ** 2).sum(-1))
    np.fill_diagonal(d, np.inf)
    return [set(np.flatnonzero(d[i] <= dist[i, -1] + tol)) for i in range(len(points))]


def on_segment(s, a, b, tol=1e-5):
    """Whether s = a + u (b - a) for some u in [0, 1] (up to `tol`)."""
    direction = b - a
    length2 = float(direction @ direction)
    if length2 == 0.0:
        return bool(np.allclose(s, a, atol=tol))
    u = float((s - a) @ direction) / length2
    if u < -tol or u > 1 + tol:
        return False
    return bool(np.allclose(s, a + u * direction, atol=tol * max(1.0, np.abs(a).max())))


def explain_by_segments(synthetic, points, k, tol=1e-5):
    """For each synthetic row, whether it lies on a segment from some point to
    one of that point's k nearest neighbours (all within `points`)."""
    pairs = allowed_pairs(points, k)
    found = []
    for s in synthetic:
        ok = any(
            on_segment(s, points[i], points[j], tol)
            for i in range(len(points))
            for j in pairs[i]
        )
        found.append(ok)
    return np.array(found)
