"""Memory is bounded by construction: saliency and scoring pull frames from the reader as they
go, a chunk or a batch of windows ahead at most, and never hold the whole video."""
from __future__ import annotations

import torch

from pld_core.infer import make_scorer
from pld_core.model import build_model
from pld_core.saliency import load_teacher
from pld_core.saliency.stream import iter_saliency, open_for_saliency
from pld_core.video import window_starts

VIDEO = "opencv_vtest_pedestrians.mp4"  # 79.5 s: 636 frames at 8 fps
FRAMES = 636


def test_saliency_decodes_one_chunk_ahead_at_most(shared_videos, settings, decoded):
    size, chunk = (settings.video.height, settings.video.width), settings.video.window
    with open_for_saliency(shared_videos / VIDEO, settings, size, native_rate=False) as reader:
        stream = iter_saliency(reader, load_teacher(settings, "center"), size, chunk)
        first = next(stream)
        ahead = decoded.frames
        chunks = 1 + sum(1 for _ in stream)
    assert first[2].shape == (chunk, *size) and len(reader) == FRAMES
    assert chunks == -(-FRAMES // chunk) and decoded.frames == FRAMES
    assert ahead <= 2 * chunk + 1  # the chunk being mapped, the prefetch queue, one frame in flight


def test_scoring_decodes_a_few_batches_ahead_at_most(shared_videos, settings, decoded, monkeypatch):
    tiny = settings.with_overrides({"model.base_channels": 4, "model.heads": 2, "model.dropout": 0.0,
                                    "model.infer_batch_size": 2, "video.height": 16, "video.width": 16,
                                    "video.window": 8, "video.stride": 4})
    torch.manual_seed(0)
    scorer = make_scorer(build_model(tiny.model), tiny.video, tiny, torch.device("cpu"), model_ref="tiny")
    starts = window_starts(FRAMES, 8, 4)
    ahead = []
    predict = scorer.predict

    def counting_predict(frames, with_maps=True):
        scored = len(ahead) * 2 + len(frames)  # windows handed to the network so far, this batch included
        ahead.append(decoded.frames - min(FRAMES, starts[scored - 1] + 8))
        return predict(frames, with_maps)

    monkeypatch.setattr(scorer, "predict", counting_predict)
    scores = scorer.score_video(shared_videos / VIDEO)
    assert len(scores.frame_scores) == FRAMES and len(ahead) == -(-len(starts) // 2)
    # frames decoded beyond those the scored windows needed: a few batches of windows, never the video
    assert max(ahead) <= 8 * 2 * 4
