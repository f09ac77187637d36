"""The product: short silent ad clips of the held-out videos, cut and cropped by the champion."""
from pathlib import Path

import dagster as dg

from orchestration.metadata import markdown_table
from orchestration.resources import SettingsResource
from pld_core.errors import DataError


@dg.asset(deps=["registered_model"], group_name="product", kinds={"video"},
          automation_condition=dg.AutomationCondition.eager())
def ad_clips(context: dg.AssetExecutionContext, settings: SettingsResource) -> dg.MaterializeResult:
    """Ad clips (creative settings) of the evaluation split's videos, scored by the champion model.

    A video that cannot be cut is skipped and listed in the metadata; none cut is a failure.
    """
    from pld_core.creative import make_ad_clips_batch
    from pld_core.data import load_ingested
    from pld_core.registry import champion_uri

    s = settings.load()
    table = load_ingested(s.dataset_dir("ingested")).videos
    chosen = table[(table["split"] == s.evaluate.split) & table["path"].notna()]
    out_dir, model = s.path(s.paths.clips) / s.dataset.name, champion_uri(s)
    items = make_ad_clips_batch([Path(p) for p in chosen["path"]], out_dir, s, model)
    clips = [{"video": item.video.stem, **{k: c.to_dict()[k] for k in ("rank", "start_s", "end_s", "score", "path")}}
             for item in items for c in item.clips]
    if not clips:
        raise DataError(out_dir, f"no ad clip could be cut from the {len(items)} videos of split {s.evaluate.split!r}")
    skipped = {str(item.video): item.error for item in items if not item.ok}
    context.log.info(f"{len(clips)} clips in {out_dir}; {len(skipped)} videos skipped")
    return dg.MaterializeResult(metadata={
        "clips": len(clips), "model": model, "folder": dg.MetadataValue.path(str(out_dir)),
        "table": markdown_table(clips), "skipped": dg.MetadataValue.json(skipped),
        "first_clip": dg.MetadataValue.path(clips[0]["path"]),
        "first_preview": dg.MetadataValue.path(str(next(i.preview for i in items if i.ok))),
    })
