"""Where highlights come from: the model, the champion, or the saliency fallback."""
import numpy as np
import pytest

from pld_core.creative.highlights import SaliencyHighlights, resolve_source, salient_motion_scores
from pld_core.creative.shots import FrameScan
from pld_core.errors import ModelError


def test_salient_motion_ignores_the_jump_across_a_cut():
    motion = np.array([0.0, 0.1, 0.2, 0.9, 0.2, 0.4], np.float32)   # frame 3 starts a new shot
    scan = FrameScan(cuts=np.array([3]), distances=np.zeros(5, np.float32), motion=motion)
    scores = salient_motion_scores(scan)
    np.testing.assert_allclose(scores, np.array([0.1, 0.1, 0.2, 0.2, 0.2, 0.4]) / 0.4, rtol=1e-6)
    still = FrameScan(cuts=np.array([], int), distances=np.zeros(2, np.float32), motion=np.zeros(3, np.float32))
    assert (salient_motion_scores(still) == 0).all()


def test_no_model_and_no_champion_falls_back_to_saliency_and_says_why(creative_settings):
    source = resolve_source(creative_settings, None)
    assert isinstance(source, SaliencyHighlights)
    assert "no model given and no champion registered" in source.reason


def test_a_model_that_was_asked_for_but_cannot_load_is_an_error_not_a_fallback(creative_settings, tmp_path):
    with pytest.raises(ModelError):
        resolve_source(creative_settings, tmp_path / "missing.pt")
