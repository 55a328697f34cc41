"""The AV probe's parsers and the av_stream check, on recorded real ffprobe / ffmpeg outputs.

tests/data/av/ holds what Debian 12's ffprobe 5.1 / ffmpeg 5.1 printed for the lab's three RTSP
streams (courtops.lab.rtsp_server: healthy, silent, choppy), for a G.711 file that clips, one at a very
low level, and an H.264 file with corrupted bytes. The lab tests measure the live streams.
"""

from __future__ import annotations

import asyncio
import importlib.util
from pathlib import Path
from typing import Any

import pytest
import yaml

from courtops.inspection.judge import judge
from courtops.inspection.result import FAULT, NORMAL, UNCHECKED, WARNING

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "data" / "av"
_spec = importlib.util.spec_from_file_location("courtops_av", REPO / "module_utils" / "courtops_av.py")
assert _spec and _spec.loader
av = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(av)
PLAN = yaml.safe_load(
    (REPO / "playbooks" / "group_vars" / "all" / "inspection.yml").read_text(encoding="utf-8")
)
THRESHOLDS = PLAN["inspection_thresholds"]


def recorded(name: str) -> dict[str, Any]:
    """ffprobe + ffmpeg of one recorded stream, merged as probe_stream merges them."""
    out = {"url": f"rtsp://192.0.2.1:554/{name}"}
    probe = DATA / f"{name}.ffprobe.json"
    if probe.exists():
        out.update(av.parse_ffprobe(probe.read_text(encoding="utf-8")))
    else:  # a local file: what ffmpeg itself saw
        out.update({"video": None, "audio": None})
    out.update(av.parse_ffmpeg((DATA / f"{name}.ffmpeg.txt").read_text(encoding="utf-8")))
    return out


def rows(reading: dict[str, Any]) -> dict[str, tuple[str, str]]:
    return {r.item: (r.state, r.remark) for r in judge("av", ["av_stream"], {"av": reading}, THRESHOLDS)}


def test_ffprobe_of_the_lab_stream_reads_codec_resolution_and_rate() -> None:
    got = av.parse_ffprobe((DATA / "healthy.ffprobe.json").read_text(encoding="utf-8"))
    assert got["video"] == {
        "codec": "h264", "profile": "Constrained Baseline", "width": 640, "height": 360, "nominal_fps": 25.0,
    }  # fmt: skip
    assert got["audio"] == {"codec": "pcm_alaw", "sample_rate": 8000, "channels": 1}


@pytest.mark.parametrize(
    ("name", "frames", "fps", "mean", "peak"),
    [
        ("healthy", 125, 25.0, -15.1, -12.2),
        ("silent", 125, 25.0, -72.2, -72.2),
        ("choppy", 67, 13.4, -15.1, -12.2),
    ],
)
def test_ffmpeg_measures_frames_rate_and_level(
    name: str, frames: int, fps: float, mean: float, peak: float
) -> None:
    got = av.parse_ffmpeg((DATA / f"{name}.ffmpeg.txt").read_text(encoding="utf-8"))
    assert (got["frames"], got["seconds"], got["fps"]) == (frames, 5.0, fps)
    assert (got["mean_volume_db"], got["max_volume_db"], got["decode_errors"]) == (mean, peak, 0)
    assert got["audio_samples"] > 0


def test_ffmpeg_counts_decode_errors_of_a_corrupted_stream() -> None:
    got = av.parse_ffmpeg((DATA / "corrupt_video_only.ffmpeg.txt").read_text(encoding="utf-8"))
    assert got["decode_errors"] == 17
    assert "error while decoding MB" in got["decode_error_sample"]
    assert got["mean_volume_db"] is None  # no audio: not a silent stream, an absent measurement


def test_garbage_is_an_error_or_no_measurement_never_a_crash() -> None:
    assert av.parse_ffprobe("not json") == {"error": "ffprobe 输出无法解析"}
    assert av.parse_ffprobe('{"streams": []}') == {"error": "码流无音视频轨"}
    got = av.parse_ffmpeg("\x00garbage\r\n[error] something")
    assert (got["frames"], got["fps"], got["mean_volume_db"], got["decode_errors"]) == (0, None, None, 1)


def test_the_healthy_stream_is_normal_on_every_row() -> None:
    assert {item: state for item, (state, _) in rows(recorded("healthy")).items()} == {
        "码流": NORMAL, "帧率": NORMAL, "音频": NORMAL,
    }  # fmt: skip


def test_silence_during_a_stream_is_a_fault() -> None:
    got = rows(recorded("silent"))
    assert got["音频"] == (FAULT, "音频静音（无声音）")
    assert got["帧率"][0] == NORMAL


def test_a_choppy_stream_is_a_warning_with_the_dropped_frames() -> None:
    got = rows(recorded("choppy"))
    assert got["帧率"] == (WARNING, "实测帧率 13.4 帧/秒偏低，丢帧约 46.4%")
    assert got["音频"][0] == NORMAL


def test_clipping_and_a_very_low_level_are_warnings() -> None:
    base = recorded("healthy")
    clip = {**base, **{k: v for k, v in recorded("clipping_audio_only").items() if k.endswith("_db")}}
    assert rows(clip)["音频"] == (WARNING, "音频削波（峰值 -0.1 dBFS）")
    low = {**base, **{k: v for k, v in recorded("low_level_audio_only").items() if k.endswith("_db")}}
    assert rows(low)["音频"] == (WARNING, "音频电平过低")


def test_decode_errors_are_a_warning_on_the_stream_row() -> None:
    reading = {
        **recorded("healthy"),
        "decode_errors": 17,
        "decode_error_sample": "error while decoding MB 19 20",
    }
    state, remark = rows(reading)["码流"]
    assert state == WARNING and remark.startswith("解码错误 17 次")


def test_an_unreachable_stream_is_one_fault_row() -> None:
    got = judge(
        "av",
        ["av_stream"],
        {"av": {"url": "rtsp://x", "error": "码流不可达：Connection refused"}},
        THRESHOLDS,
    )
    assert [(r.item, r.state, r.text) for r in got] == [("码流", FAULT, "码流不可达")]


def test_no_audio_track_is_a_fault_and_no_measurement_is_unchecked() -> None:
    reading = recorded("healthy")
    assert rows({**reading, "audio": None})["音频"][0] == FAULT
    assert rows({**reading, "mean_volume_db": None, "max_volume_db": None})["音频"][0] == UNCHECKED
    assert rows({**reading, "fps": None})["帧率"][0] == UNCHECKED


def test_a_device_that_streams_nothing_has_no_row_and_garbage_is_unchecked() -> None:
    assert judge("d", ["av_stream"], {"av": None}, THRESHOLDS) == []
    [r] = judge("d", ["av_stream"], {"av": "garbage"}, THRESHOLDS)
    assert r.state == UNCHECKED


def test_the_url_shown_never_carries_the_credentials() -> None:
    spec = {
        "name": "a",
        "address": "192.0.2.7",
        "port": 554,
        "path": "/live/main",
        "user": "admin",
        "password": "S3cr:t@",
    }
    assert av.stream_url(spec, with_credentials=True) == "rtsp://admin:S3cr%3At%40@192.0.2.7:554/live/main"
    assert av.stream_url(spec, with_credentials=False) == "rtsp://192.0.2.7:554/live/main"


def test_probe_all_reports_a_missing_tool_per_stream_and_bounds_each_stream(tmp_path: Path) -> None:
    specs = [{"name": "a", "address": "192.0.2.7", "path": "/x", "password": "pw-never-shown"}]
    got = asyncio.run(av.probe_all(specs, 1, 5, 1, ffprobe=str(tmp_path / "no-ffprobe")))
    assert got["a"]["error"].startswith("无法运行 ffprobe/ffmpeg") and "pw-never-shown" not in str(got)
    slow = tmp_path / "slow-ffprobe"
    slow.write_text("#!/bin/sh\nsleep 30\n", encoding="utf-8")
    slow.chmod(0o755)
    got = asyncio.run(av.probe_all(specs, 1, 1, 1, ffprobe=str(slow)))
    assert got["a"]["error"] == "码流探测超时（1 秒）"


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("inspection_av_probe", {"seconds": "5", "timeout": 30, "parallel": 4}, "['seconds']"),
        ("inspection_av_probe", {"seconds": 5, "timeout": 30, "parallel": 0}, "['parallel']"),
        ("inspection_av_probe", {"seconds": 5, "timeout": 30}, "got {'seconds': 5, 'timeout': 30}"),
        ("inspection_av_stream_paths", {"courtroom_av": "live/main"}, "['courtroom_av']"),
        ("inspection_av_stream_paths", {"courtroomav": "/live/main"}, "a mapping of device class"),
        ("inspection_av_stream_models", "庭审主机", "a list of strings"),
    ],
)
def test_a_mistyped_av_setting_stops_the_run_before_any_host(name: str, value: Any, expected: str) -> None:
    from courtops.inspection.variables import setting_errors

    settings = {
        k: v
        for k, v in PLAN.items()
        if k.startswith("inspection_") and k not in ("inspection_plan", "inspection_thresholds")
    }
    assert setting_errors(settings) == []  # the shipped plan is valid
    [error] = setting_errors({**settings, name: value})
    assert error.startswith(f"{name}: expected") and expected in error
