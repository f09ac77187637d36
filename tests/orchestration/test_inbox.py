"""Inbox deliveries: what counts as a video, and landing them in the source folder atomically."""
from orchestration.inbox import land_delivery, scan_inbox


def test_scan_splits_videos_from_annotations_and_skips_dot_names(tmp_path):
    inbox = tmp_path / "inbox"
    (inbox / "videos").mkdir(parents=True)
    (inbox / "videos" / "a.mp4").write_bytes(b"x")
    (inbox / "b.MOV").write_bytes(b"x")
    (inbox / "ratings.csv").write_text("video_id\n")
    (inbox / ".c.mp4").write_bytes(b"partial")
    (inbox / ".tmp").mkdir()
    (inbox / ".tmp" / "d.mp4").write_bytes(b"partial")
    delivery = scan_inbox(inbox)
    assert [str(p) for p in delivery.videos] == ["b.MOV", "videos/a.mp4"]
    assert delivery.video_ids == ["b", "a"]
    assert [str(p) for p in delivery.annotations] == ["ratings.csv"]
    assert scan_inbox(tmp_path / "absent").videos == ()


def test_land_moves_the_delivery_keeping_its_layout(tmp_path):
    inbox, source = tmp_path / "inbox", tmp_path / "source"
    (inbox / "videos").mkdir(parents=True)
    (inbox / "videos" / "a.mp4").write_bytes(b"video bytes")
    (inbox / "manifest.json").write_text("{}")
    (source / "videos").mkdir(parents=True)
    (source / "manifest.json").write_text('{"old": true}')

    landed = land_delivery(inbox, source)

    assert sorted(map(str, landed)) == ["manifest.json", "videos/a.mp4"]
    assert (source / "videos" / "a.mp4").read_bytes() == b"video bytes"
    assert (source / "manifest.json").read_text() == "{}"
    assert not list(inbox.rglob("*.*"))
    assert not [p for p in source.rglob("*") if ".tmp-" in p.name]
    assert land_delivery(inbox, source) == []
