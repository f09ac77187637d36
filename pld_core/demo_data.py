"""The embedded demo dataset: short synthetic product videos with planted highlights.

Each video shows a textured, slowly panning background, grey distractors, and one
"product" (a coloured shape). During 1-3 planted events the product lights up,
grows, pulses and moves fast: that is the highlight, and the product is where a
viewer looks. 3-5 simulated raters score every frame 1-5, noisy around the truth
(bias, lag, noise; a few raters are careless). Everything is seeded.

Written in the project's multi-rater format (docs/data-format.md):

    <out>/manifest.json   dataset name, score range, videos (id, path, split, category)
    <out>/ratings.csv     video_id, rater_id, start_s, end_s, score   (one row per rated frame)
    <out>/truth.json      the generator's ground truth: events, per-frame highlight and object track
    <out>/videos/<id>.mp4
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pld_core.atomic import write_json, write_text
from pld_core.config import DemoSettings
from pld_core.video.writer import write_mp4

SHAPES = ("circle", "square", "diamond")
SPLITS = ("train", "train", "train", "train", "val", "test")  # cycled: 2/3 train, 1/6 val, 1/6 test
MULTIRATER_FORMAT = "pld-multirater/1"


@dataclass(frozen=True)
class DemoVideo:
    """One generated video's ground truth."""

    video_id: str
    n_frames: int
    fps: int
    events: list[tuple[float, float]]   # planted highlight intervals in seconds
    highlight: np.ndarray               # [n_frames] 0/1
    centers: np.ndarray                 # [n_frames, 2] object centre (x, y) in pixels
    radii: np.ndarray                   # [n_frames] object radius in pixels


def make_demo_dataset(out_dir: str | Path, settings: DemoSettings, name: str = "demo") -> Path:
    """Generate the demo dataset into ``out_dir``; returns the manifest path."""
    out_dir = Path(out_dir)
    rng = np.random.default_rng(settings.seed)
    videos, truth, rows = [], {}, []
    for i in range(settings.n_videos):
        video_id = f"{name}_{i:03d}"
        shape = SHAPES[i % len(SHAPES)]
        seconds = float(rng.uniform(settings.min_seconds, settings.max_seconds))
        video = _render_video(out_dir / "videos" / f"{video_id}.mp4", video_id, shape, seconds, settings, rng)
        videos.append({"id": video_id, "path": f"videos/{video_id}.mp4", "split": SPLITS[i % len(SPLITS)],
                       "category": shape})
        truth[video_id] = {
            "events_s": video.events,
            "highlight": video.highlight.astype(int).tolist(),
            "centers": np.round(video.centers, 2).tolist(),
            "radii": np.round(video.radii, 2).tolist(),
            "fps": video.fps,
        }
        n_raters = int(rng.integers(settings.min_raters, settings.max_raters + 1))
        careless = i % 5 == 4  # every fifth video has one rater who scores at random
        for r in range(n_raters):
            scores = _simulate_rater(video.highlight, rng, careless=careless and r == n_raters - 1)
            for f, s in enumerate(scores):
                rows.append((video_id, f"rater_{r}", f / video.fps, (f + 1) / video.fps, int(s)))
    write_text(out_dir / "ratings.csv", _csv(rows))
    write_json(out_dir / "truth.json", truth)
    return write_json(out_dir / "manifest.json", {
        "format": MULTIRATER_FORMAT, "name": name, "score_min": 1, "score_max": 5, "videos": videos,
    })


def _csv(rows: list[tuple]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["video_id", "rater_id", "start_s", "end_s", "score"])
    for video_id, rater, start, end, score in rows:
        writer.writerow([video_id, rater, f"{start:.4f}", f"{end:.4f}", score])
    return buf.getvalue()


def _plant_events(n_frames: int, fps: int, rng: np.random.Generator) -> list[tuple[int, int]]:
    """1-3 non-overlapping events of 2-5 s, away from the very start and end."""
    n_events = int(rng.integers(1, 4))
    events: list[tuple[int, int]] = []
    for _ in range(50):
        if len(events) == n_events:
            break
        length = int(rng.uniform(2, 5) * fps)
        start = int(rng.integers(fps, max(fps + 1, n_frames - length - fps)))
        end = min(start + length, n_frames)
        if all(end + fps <= s or start >= e + fps for s, e in events):
            events.append((start, end))
    return sorted(events)


def _render_video(path: Path, video_id: str, shape: str, seconds: float, settings: DemoSettings,
                  rng: np.random.Generator) -> DemoVideo:
    import cv2

    fps, w, h = settings.fps, settings.width, settings.height
    n = int(round(seconds * fps))
    events = _plant_events(n, fps, rng)
    highlight = np.zeros(n, dtype=bool)
    for s, e in events:
        highlight[s:e] = True

    # Background: low-frequency texture, twice the frame width, panned slowly.
    base = rng.uniform(60, 140, size=3)
    texture = cv2.resize(rng.uniform(-25, 25, size=(6, 12)).astype(np.float32), (2 * w, h),
                         interpolation=cv2.INTER_CUBIC)
    background = np.clip(base[None, None, :] + texture[..., None], 0, 255)
    pan_speed = rng.uniform(0.2, 0.6)

    # Object track: smooth random walk, faster during events, bouncing off the borders.
    hue_color = np.array(rng.choice([[255, 40, 40], [40, 220, 60], [255, 200, 0], [60, 120, 255]]), float)
    dull_color = 0.35 * hue_color + 0.65 * base
    pos = np.array([rng.uniform(0.3, 0.7) * w, rng.uniform(0.3, 0.7) * h])
    vel = rng.normal(0, 0.6, size=2)
    distractors = [(rng.uniform(0, w), rng.uniform(0, h), rng.normal(0, 0.4), rng.normal(0, 0.4),
                    rng.uniform(4, 7)) for _ in range(2)]
    r_small = 0.07 * min(w, h)
    centers, radii = np.zeros((n, 2)), np.zeros(n)

    def frames():
        nonlocal pos, vel
        for f in range(n):
            active = highlight[f]
            vel += rng.normal(0, 0.35 if active else 0.1, size=2)
            speed = np.linalg.norm(vel)
            limit = 3.0 if active else 0.8
            if speed > limit:
                vel *= limit / speed
            pos += vel
            margin = 2 * r_small
            for d, size in ((0, w), (1, h)):
                if pos[d] < margin or pos[d] > size - margin:
                    vel[d] = -vel[d]
                    pos[d] = np.clip(pos[d], margin, size - margin)
            radius = r_small * ((1.7 + 0.3 * np.sin(f * 1.3)) if active else 1.0)
            centers[f], radii[f] = pos, radius

            offset = int(f * pan_speed) % w
            img = background[:, offset:offset + w].copy()
            for k, (x0, y0, vx, vy, rad) in enumerate(distractors):
                x, y = (x0 + vx * f) % w, (y0 + vy * f) % h
                cv2.circle(img, (int(x), int(y)), int(rad), (150.0 + 20 * k,) * 3, -1, cv2.LINE_AA)
            color = hue_color if active else dull_color
            _draw_shape(img, shape, pos, radius, color)
            if active:  # sparkles around the product
                for a in np.linspace(0, 2 * np.pi, 6, endpoint=False) + f * 0.5:
                    p = pos + 1.8 * radius * np.array([np.cos(a), np.sin(a)])
                    cv2.circle(img, (int(p[0]), int(p[1])), 1, (255.0, 255.0, 255.0), -1)
            yield np.clip(img, 0, 255).astype(np.uint8)

    write_mp4(path, frames(), fps=fps, crf=20)
    events_s = [(round(s / fps, 4), round(e / fps, 4)) for s, e in events]
    return DemoVideo(video_id, n, fps, events_s, highlight.astype(np.uint8), centers, radii)


def _draw_shape(img: np.ndarray, shape: str, center: np.ndarray, radius: float, color: np.ndarray) -> None:
    import cv2

    x, y, r = float(center[0]), float(center[1]), float(radius)
    c = tuple(float(v) for v in color)
    if shape == "circle":
        cv2.circle(img, (int(x), int(y)), int(r), c, -1, cv2.LINE_AA)
        return
    if shape == "square":
        pts = [(x - r, y - r), (x + r, y - r), (x + r, y + r), (x - r, y + r)]
    else:
        pts = [(x, y - 1.3 * r), (x + 1.3 * r, y), (x, y + 1.3 * r), (x - 1.3 * r, y)]
    cv2.fillPoly(img, [np.array(pts, dtype=np.int32)], c, cv2.LINE_AA)


def _simulate_rater(highlight: np.ndarray, rng: np.random.Generator, careless: bool) -> np.ndarray:
    """Per-frame 1-5 scores: the truth, smoothed and delayed, plus bias and noise."""
    n = len(highlight)
    if careless:
        return rng.integers(1, 6, size=n)
    lag = int(rng.integers(0, 4))
    truth = np.roll(highlight.astype(float), lag)
    truth[:lag] = 0
    kernel = np.ones(5) / 5
    smooth = np.convolve(truth, kernel, mode="same")
    noise = np.convolve(rng.normal(0, 0.5, size=n), np.ones(8) / 8, mode="same") * 2.5
    bias = rng.uniform(-0.4, 0.6)
    gain = rng.uniform(2.2, 3.4)
    return np.clip(np.round(1.6 + bias + gain * smooth + noise), 1, 5).astype(int)
