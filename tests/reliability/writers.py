"""A child process that rewrites one final file with a pld writer, over and over, until killed.

    python -m tests.reliability.writers KIND FINAL [VIDEO]

KIND is ``parquet`` (``data.store.write_tables``), ``maps`` (``saliency.save_video_saliency``,
a memory-mapped .npy), ``model`` (``model.save_checkpoint``) or ``mp4``
(``video.write_mp4``). Each round writes version 0 or 1 (alternating), so a reader that
sees a mix of two versions, or a torn file, has caught a non-atomic write. ``check``
validates a file as the parent sees it and returns its version.
"""
from __future__ import annotations

import itertools
import sys
from pathlib import Path

import numpy as np

ROWS, WEIGHTS, FRAMES, SIDE = 200_000, 1_000_000, 60, 240


def write(kind: str, final: Path, version: int, video: Path | None) -> None:
    if kind == "parquet":
        import pandas as pd

        from pld_core.data.store import write_tables
        from pld_core.data.tables import CanonicalDataset

        annotations = pd.DataFrame({"video_id": "v", "rater_id": "r", "unit": np.arange(ROWS),
                                    "start_s": np.arange(ROWS) / 8.0, "end_s": (np.arange(ROWS) + 1) / 8.0,
                                    "score": np.full(ROWS, float(version))})
        video_row = {"video_id": "v", "source": "folder", "duration_s": 1.0, "fps": 8.0, "n_frames": 8,
                     "split": "test", "checksum": "c"}
        write_tables(CanonicalDataset(videos=pd.DataFrame([video_row]), annotations=annotations,
                                      splits={"test": ["v"]}), final.parent)
    elif kind == "maps":
        from pld_core.config import load_settings
        from pld_core.saliency import save_video_saliency
        from tests.conftest import REPO

        side = 96 + 32 * version
        save_video_saliency(video, final, load_settings(REPO / "params.yaml"), (side, side))
    elif kind == "model":
        import torch

        from pld_core.model import save_checkpoint

        save_checkpoint(final, {"model_state": {"w": torch.full((WEIGHTS,), float(version))},
                                "settings": {}, "epoch": version, "step": version})
    elif kind == "mp4":
        from pld_core.video import write_mp4

        write_mp4(final, (np.full((SIDE, SIDE, 3), 40 + 100 * version + i, np.uint8) for i in range(FRAMES + version)),
                  fps=8, preset="ultrafast")
    else:
        raise SystemExit(f"unknown kind {kind}")


def check(kind: str, final: Path) -> int:
    """The version of a complete file; any exception means a torn or mixed file."""
    if kind == "parquet":
        import pandas as pd

        scores = pd.read_parquet(final)["score"].to_numpy()
        assert len(scores) == ROWS and np.all(scores == scores[0])
        return int(scores[0])
    if kind == "maps":
        maps = np.load(final)
        assert maps.ndim == 3 and maps.shape[1] == maps.shape[2] and np.isfinite(maps).all()
        return (maps.shape[1] - 96) // 32
    if kind == "model":
        from pld_core.model import load_checkpoint

        ckpt = load_checkpoint(final)
        weights = ckpt["model_state"]["w"]
        assert len(weights) == WEIGHTS and bool((weights == ckpt["epoch"]).all())
        return int(ckpt["epoch"])
    from pld_core.video import probe

    info = probe(final)
    assert info.n_frames in (FRAMES, FRAMES + 1)
    return info.n_frames - FRAMES


def main() -> None:
    kind, final = sys.argv[1], Path(sys.argv[2])
    video = Path(sys.argv[3]) if len(sys.argv) > 3 else None
    for round_ in itertools.count():
        write(kind, final, round_ % 2, video)
        print(round_, flush=True)


if __name__ == "__main__":
    main()
