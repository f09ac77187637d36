"""Aspect parsing and the largest even crop of that shape."""
import pytest

from pld_core.creative.aspect import crop_size, parse_aspect
from pld_core.errors import ConfigError, VideoError


def test_parse_aspect_accepts_ratios_and_rejects_nonsense():
    assert parse_aspect("9:16") == pytest.approx(9 / 16)
    assert parse_aspect(" 1.91 : 1 ") == pytest.approx(1.91)
    for bad in ["0:5", "5:0", "abc", "16x9", "-9:16", ""]:
        with pytest.raises(ConfigError, match="aspect"):
            parse_aspect(bad)


@pytest.mark.parametrize("frame", [(640, 360), (640, 272), (768, 576), (641, 359), (1920, 1080), (360, 640)])
@pytest.mark.parametrize("aspect", ["9:16", "1:1", "4:5", "3:4"])
def test_crop_is_even_inside_the_frame_and_within_one_pixel_of_the_aspect(frame, aspect):
    width, height = crop_size(frame, aspect, 32, "v.mp4")
    ratio = parse_aspect(aspect)
    assert width % 2 == 0 and height % 2 == 0
    assert width <= frame[0] and height <= frame[1]
    assert abs(width - height * ratio) <= 1
    # as large as the frame allows: one side (rounded down to even) is used in full
    assert width >= frame[0] - 3 or height >= frame[1] - 3


def test_landscape_source_to_vertical_keeps_full_height():
    assert crop_size((1920, 1080), "9:16", 32, "v.mp4") == (608, 1080)
    assert crop_size((640, 480), "16:9", 32, "v.mp4") == (640, 360)


def test_vertical_source_cannot_become_landscape():
    with pytest.raises(VideoError, match=r"v\.mp4: vertical 360x640 source .* 16:9"):
        crop_size((360, 640), "16:9", 32, "v.mp4")


def test_extreme_aspect_names_the_crop_it_would_leave():
    with pytest.raises(VideoError, match=r"aspect 99999:1 leaves a 640x0 crop of this 640x360 frame"):
        crop_size((640, 360), "99999:1", 32, "v.mp4")
    with pytest.raises(VideoError, match="at least 32 px"):
        crop_size((640, 360), "1:50", 32, "v.mp4")
