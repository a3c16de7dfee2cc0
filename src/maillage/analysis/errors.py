"""Errors and input validation for :mod:`maillage.analysis`.

Every public function of the package validates its arrays here and raises
:class:`AnalysisInputError` (a :class:`ValueError`) with a French message that names the
offending argument: a bad input never yields a silent wrong number.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["AnalysisInputError"]

#: Plausible Lambert-93 (EPSG:2154) extent of metropolitan France, in metres.
L93_X_RANGE_M = (100_000.0, 1_300_000.0)
L93_Y_RANGE_M = (6_000_000.0, 7_200_000.0)


class AnalysisInputError(ValueError):
    """Invalid input to an analysis function (message in French, naming the argument)."""

    def __init__(self, argument: str, message: str) -> None:
        self.argument = argument
        super().__init__(f"« {argument} » : {message}")


def as_xy(
    name: str, xy: ArrayLike, *, check_crs: bool = True, allow_empty: bool = False
) -> NDArray[np.float64]:
    """Return ``xy`` as a C-contiguous float64 ``(n, 2)`` array of Lambert-93 metres."""
    try:
        arr = np.ascontiguousarray(xy, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise AnalysisInputError(name, "coordonnées non numériques.") from exc
    if arr.ndim != 2 or arr.shape[1] != 2:
        raise AnalysisInputError(
            name, f"tableau de forme (n, 2) attendu (x, y en mètres), reçu {arr.shape}."
        )
    if arr.shape[0] == 0 and not allow_empty:
        raise AnalysisInputError(name, "aucun point fourni (ensemble vide).")
    if arr.shape[0] == 0:
        return arr
    # min/max propagate NaN: four scalars tell finiteness and extent in one pass per column.
    x, y = arr[:, 0], arr[:, 1]
    bounds = np.array([x.min(), x.max(), y.min(), y.max()])
    if not np.isfinite(bounds).all():
        raise AnalysisInputError(name, "coordonnées manquantes ou infinies (NaN/inf).")
    if check_crs and (
        bounds[0] < L93_X_RANGE_M[0]
        or bounds[1] > L93_X_RANGE_M[1]
        or bounds[2] < L93_Y_RANGE_M[0]
        or bounds[3] > L93_Y_RANGE_M[1]
    ):
        raise AnalysisInputError(
            name,
            "coordonnées hors de l'emprise Lambert-93 (EPSG:2154) attendue "
            "(x entre 100 000 et 1 300 000 m, y entre 6 000 000 et 7 200 000 m). "
            "S'agit-il de degrés WGS84 ? Projetez-les avec lonlat_to_lambert93().",
        )
    return arr


def as_values(
    name: str,
    values: ArrayLike,
    *,
    ndim: tuple[int, ...] = (1,),
    nonnegative: bool = True,
    allow_empty: bool = False,
) -> NDArray[np.float64]:
    """Return ``values`` as a float64 array, rejecting NaN, infinities and negatives."""
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise AnalysisInputError(name, "valeurs non numériques.") from exc
    if arr.ndim not in ndim:
        dims = " ou ".join(str(d) for d in ndim)
        raise AnalysisInputError(name, f"tableau à {dims} dimension(s) attendu, reçu {arr.ndim}.")
    if arr.shape[0] == 0 and not allow_empty:
        raise AnalysisInputError(name, "tableau vide.")
    if arr.size == 0:
        return arr
    lo, hi = arr.min(), arr.max()  # NaN propagates through min/max
    if not (np.isfinite(lo) and np.isfinite(hi)):
        raise AnalysisInputError(name, "valeurs manquantes ou infinies (NaN/inf).")
    if nonnegative and lo < 0:
        raise AnalysisInputError(name, "valeurs négatives interdites.")
    return arr


def check_length(name: str, arr: NDArray[Any] | Any, expected: int, reference: str) -> None:
    """Raise unless ``len(arr) == expected`` (the length of ``reference``)."""
    if len(arr) != expected:
        raise AnalysisInputError(
            name,
            f"longueur {len(arr)} différente de celle de « {reference} » ({expected}).",
        )


def positive(name: str, value: float, *, allow_zero: bool = False) -> float:
    """Return ``value`` as a float, requiring a finite positive number."""
    try:
        v = float(value)
    except (TypeError, ValueError) as exc:
        raise AnalysisInputError(name, "nombre attendu.") from exc
    if not math.isfinite(v) or v < 0 or (v == 0 and not allow_zero):
        raise AnalysisInputError(name, f"nombre fini strictement positif attendu, reçu {value!r}.")
    return v


def as_index(
    name: str, index: ArrayLike, *, n: int, reference: str, upper: int
) -> NDArray[np.int64]:
    """Return an int64 index array of length ``n`` with values in ``[-1, upper)``."""
    arr = np.asarray(index)
    if arr.ndim != 1 or not np.issubdtype(arr.dtype, np.integer):
        raise AnalysisInputError(name, "tableau d'indices entiers à une dimension attendu.")
    check_length(name, arr, n, reference)
    arr = arr.astype(np.int64, copy=False)
    if arr.size and (arr.min() < -1 or arr.max() >= upper):
        raise AnalysisInputError(name, f"indices attendus entre -1 (hors zone) et {upper - 1}.")
    return arr
