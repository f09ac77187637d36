"""A/B between champion and challenger: deterministic routing by video id, and a logged record of it.

    route("video_42", 0.2)            # "challenger" for a stable 20% of ids, "champion" otherwise
    result = run_ab(settings, Path("inbox/"), share=0.2)
    load_ab_table(settings).summary()  # read the comparison back from MLflow

``run_ab`` pins both aliases to their versions when it starts, scores each video with its
routed model, and logs an MLflow run (tag ``pld.kind=ab``) holding the table
``ab_assignments.json``: which version scored which video, its scores and its latency.
"""
from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pld_core.config import Settings
from pld_core.data.video_files import VIDEO_SUFFIXES, is_video_file
from pld_core.errors import ConfigError, DataError, RegistryError
from pld_core.registry.resolve import CHALLENGER, CHAMPION, alias_uri, resolve_version
from pld_core.registry.windows import best_window
from pld_core.tracking import client as tracking_client
from pld_core.tracking import first_line, start_run

if TYPE_CHECKING:
    import pandas as pd

log = logging.getLogger(__name__)

AB_TABLE = "ab_assignments.json"
KIND_TAG = "pld.kind"


def route(video_id: str, share: float) -> str:
    """``"challenger"`` when the hash of ``video_id`` falls in the first ``share`` of [0, 1), else ``"champion"``."""
    if not 0 <= share <= 1:
        raise ConfigError(f"A/B share {share}: must be between 0 and 1")
    position = int.from_bytes(hashlib.sha256(video_id.encode()).digest()[:8], "big") / 2 ** 64
    return CHALLENGER if position < share else CHAMPION


@dataclass(frozen=True)
class AbResult:
    """One A/B run: its MLflow run id and the per-video table it logged."""

    run_id: str
    table: pd.DataFrame

    def summary(self) -> pd.DataFrame:
        """Per arm: the version, how many videos, mean best-window score, mean latency."""
        return self.table.groupby("arm").agg(
            model_version=("model_version", "first"), videos=("video_id", "count"),
            mean_best_score=("best_score", "mean"), mean_score=("mean_score", "mean"),
            mean_latency_s=("latency_s", "mean"))


def run_ab(settings: Settings, videos_dir: Path, share: float | None = None) -> AbResult:
    """Score every video in ``videos_dir`` with its routed model and log who scored what."""
    import pandas as pd
    from tqdm import tqdm

    from pld_core.infer import load_scorer

    share = settings.registry.ab_share if share is None else share
    videos = video_files(videos_dir)
    arms = {video: route(video.stem, share) for video in videos}
    client = tracking_client(settings)
    pinned = {arm: resolve_version(client, settings, alias_uri(settings, arm)) for arm in sorted(set(arms.values()))}
    uris = {arm: f"models:/{v.name}/{v.version}" for arm, v in pinned.items()}
    scorers = {arm: load_scorer(uri, settings) for arm, uri in uris.items()}
    rows = []
    for video, arm in tqdm(arms.items(), desc="A/B scoring", unit="video", disable=None):
        began = time.perf_counter()
        scores = scorers[arm].score_video(video)
        latency = time.perf_counter() - began
        start, stop, best = best_window(scores.frame_scores, scores.fps, settings.creative.seconds)
        rows.append({"video_id": video.stem, "video_path": str(video), "arm": arm,
                     "model_version": str(pinned[arm].version), "model_uri": uris[arm], "fps": scores.fps,
                     "n_frames": len(scores.frame_scores), "mean_score": float(scores.frame_scores.mean()),
                     "best_start_s": start / scores.fps, "best_end_s": stop / scores.fps, "best_score": best,
                     "latency_s": latency})
    table = pd.DataFrame(rows)
    return AbResult(_log_ab(settings, table, share, pinned), table)


def load_ab_table(settings: Settings, run_id: str | None = None) -> AbResult:
    """An A/B run's table read back from MLflow (default: the latest A/B run)."""
    client = tracking_client(settings)
    experiment = client.get_experiment_by_name(settings.registry.experiment)
    if run_id is None:
        runs = [] if experiment is None else client.search_runs(
            [experiment.experiment_id], filter_string=f"tags.`{KIND_TAG}` = 'ab'",
            order_by=["attributes.start_time DESC"], max_results=1)
        if not runs:
            raise RegistryError(f"experiment {settings.registry.experiment!r}: no A/B run yet (pld ab --videos DIR)")
        run_id = runs[0].info.run_id
    try:
        table = client.load_table(client.get_run(run_id).info.experiment_id, AB_TABLE, run_ids=[run_id])
    except Exception as exc:  # MlflowException: no such run or artifact
        raise RegistryError(f"run {run_id}: no {AB_TABLE} to read ({first_line(exc)})") from None
    return AbResult(run_id, table)


def video_files(folder: Path) -> list[Path]:
    """The video files directly in ``folder``, sorted; DataError when there are none."""
    folder = Path(folder)
    if not folder.is_dir():
        raise DataError(folder, "not a folder of videos")
    videos = sorted(p for p in folder.iterdir() if is_video_file(p))  # not hidden temporaries
    if not videos:
        raise DataError(folder, f"no video files ({', '.join(VIDEO_SUFFIXES)})")
    return videos


def _log_ab(settings: Settings, table: pd.DataFrame, share: float, pinned: dict) -> str:
    import mlflow

    tags = {KIND_TAG: "ab", "ab.share": share, **{f"ab.{arm}_version": v.version for arm, v in pinned.items()}}
    with start_run(settings, "ab", tags=tags) as run:
        mlflow.log_table(table, AB_TABLE)
        for arm, group in table.groupby("arm"):
            mlflow.log_metrics({f"{arm}.videos": len(group), f"{arm}.mean_best_score": group["best_score"].mean(),
                                f"{arm}.mean_latency_s": group["latency_s"].mean()})
    log.info("A/B run %s: %s", run.info.run_id, table["arm"].value_counts().to_dict())
    return run.info.run_id
