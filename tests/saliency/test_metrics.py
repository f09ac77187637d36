"""The Bylinskii et al. metrics against cases computed by hand."""
from __future__ import annotations

import math

import numpy as np
import pytest

from pld_core.errors import DataError
from pld_core.saliency.metrics import all_metrics, auc_judd, cc, kld, nss, sim

RAMP = np.array([[4.0, 3.0], [2.0, 1.0]])


def fix(*cells: tuple[int, int], shape=(2, 2)) -> np.ndarray:
    out = np.zeros(shape)
    for cell in cells:
        out[cell] = 1
    return out


def test_nss_is_the_standardized_value_at_fixations():
    s = np.array([[0.0, 0.0], [0.0, 4.0]])           # mean 1, std sqrt(3)
    assert nss(s, fix((1, 1))) == pytest.approx(3 / math.sqrt(3))
    assert nss(s, fix((0, 0))) == pytest.approx(-1 / math.sqrt(3))
    assert nss(s, fix((0, 0), (1, 1))) == pytest.approx((3 - 1) / (2 * math.sqrt(3)))


def test_cc_is_pearson_correlation():
    assert cc(RAMP, 2 * RAMP + 1) == pytest.approx(1.0)
    assert cc(RAMP, -RAMP) == pytest.approx(-1.0)
    assert cc(fix((0, 0)), fix((0, 1))) == pytest.approx(-1 / 3)


def test_sim_min_max_then_sum_normalizes():
    assert sim(RAMP, RAMP * 7) == pytest.approx(1.0)
    assert sim(fix((0, 0)), fix((1, 1))) == pytest.approx(0.0)
    # [[1,1],[0,0]] -> [.5,.5,0,0]; [[2,1],[1,1]] -> min-max [[1,0],[0,0]]: overlap 0.5
    assert sim(np.array([[1.0, 1.0], [0.0, 0.0]]), np.array([[2.0, 1.0], [1.0, 1.0]])) == pytest.approx(0.5)


def test_kld_of_density_from_prediction():
    assert kld(RAMP, RAMP * 3) == pytest.approx(0.0, abs=1e-9)
    uniform, half = np.ones((2, 2)), np.array([[1.0, 1.0], [0.0, 0.0]])
    assert kld(uniform, half) == pytest.approx(math.log(2))      # 2 x 0.5 log(0.5 / 0.25)
    eps = np.finfo(float).eps                                    # the map has no mass where gaze is
    expected = 0.5 * math.log(eps + 0.25 / 0.5) + 0.5 * math.log(eps + 0.25 / eps)
    assert kld(half, uniform) == pytest.approx(expected)


@pytest.mark.parametrize("cells, expected", [
    (((0, 0),), 1.0),                  # fixation on the top value: tp 1 at fp 0
    (((1, 1),), 0.5),                  # on the lowest: the diagonal
    (((0, 1),), 5 / 6),                # value 3: fp 1/3 at tp 1
    (((0, 0), (1, 0)), 0.875),         # values 4 and 2: (0, .5), (.5, 1)
])
def test_auc_judd_by_hand(cells, expected):
    assert auc_judd(RAMP, fix(*cells)) == pytest.approx(expected)


def test_all_metrics_uses_fixations_or_density_as_defined():
    scores = all_metrics(RAMP, fix((0, 0)), RAMP)
    assert scores["auc_judd"] == pytest.approx(1.0) and scores["cc"] == pytest.approx(1.0)
    assert scores["nss"] == pytest.approx((4 - 2.5) / np.std(RAMP))


@pytest.mark.parametrize("call", [
    lambda: nss(RAMP, np.zeros((2, 2))),             # no fixations
    lambda: nss(np.ones((2, 2)), fix((0, 0))),       # flat map
    lambda: cc(RAMP, np.ones((3, 3))),               # sizes differ
    lambda: auc_judd(RAMP, np.ones((2, 2))),         # every pixel fixated
    lambda: kld(np.zeros((2, 2)), RAMP),             # no mass
    lambda: sim(RAMP, np.full((2, 2), np.nan)),      # not finite
])
def test_undefined_inputs_raise_data_error(call):
    with pytest.raises(DataError):
        call()
