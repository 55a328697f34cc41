"""Courtroom audio/video quality (开庭时声音清晰、画面流畅): what courtops_av_probe measured on a stream.

Three rows per stream source: 码流 (codec, resolution, decode errors), 帧率 (measured frame rate and
frames missing against the announced rate) and 音频 (mean level and peak). Silence during a stream is
故障, clipping or a very low level 告警, a low frame rate or dropped frames 告警, a stream that does not
answer 故障 (docs/inspection.md). A device that is no stream source (no ``av`` reading) has no row.
"""

from __future__ import annotations

from typing import Any

from courtops.inspection.checks.base import Context, Unreadable, check
from courtops.inspection.result import FAULT, NORMAL, UNCHECKED, WARNING, CheckResult, worst

CHECK = "av_stream"
#: the items of av_stream, as the readiness table of the 巡检记录 reads them
STREAM, FPS, AUDIO = "码流", "帧率", "音频"


def _number(data: dict[str, Any], key: str) -> float | None:
    value = data.get(key)
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _stream_row(c: Context, data: dict[str, Any]) -> CheckResult:
    video = data.get("video") or {}
    codec = str(video.get("codec") or "")
    size = f"{video.get('width')}×{video.get('height')}" if video.get("width") else ""
    text = " ".join(p for p in (codec.upper(), size) if p) or "无视频轨"
    audio = data.get("audio") or {}
    if audio.get("codec"):
        text += f" / {audio['codec']} {audio.get('sample_rate', '')}Hz"
    errors = data.get("decode_errors")
    if not isinstance(errors, int):
        raise Unreadable("探测结果缺少解码错误计数")
    if not video:
        return c.result(CHECK, FAULT, item=STREAM, text=text, remark="码流无视频")
    state = c.level(errors, "av_decode_errors")
    remark = f"解码错误 {errors} 次：{data.get('decode_error_sample', '')}" if state != NORMAL else ""
    return c.result(CHECK, state, item=STREAM, value=float(errors), unit="次错误", text=text, remark=remark)


def _fps_row(c: Context, data: dict[str, Any]) -> CheckResult:
    fps = _number(data, "fps")
    if fps is None:
        return c.result(CHECK, UNCHECKED, item=FPS, remark="未测得帧率")
    nominal = _number(data.get("video") or {}, "nominal_fps")
    states = [c.level(fps, "av_fps")]
    remarks = [f"实测帧率 {fps:g} 帧/秒偏低"] if states[0] != NORMAL else []
    text = f"实测 {fps:g}" + (f" / 标称 {nominal:g}" if nominal else "")
    if nominal:
        dropped = round(max(0.0, 1 - fps / nominal) * 100, 1)
        states.append(c.level(dropped, "av_dropped_frames_pct"))
        if states[-1] != NORMAL:
            remarks.append(f"丢帧约 {dropped:g}%")
    state = worst(states)
    return c.result(CHECK, state, item=FPS, value=fps, unit="fps", text=text, remark="，".join(remarks))


def _audio_row(c: Context, data: dict[str, Any]) -> CheckResult:
    if not data.get("audio"):
        return c.result(CHECK, FAULT, item=AUDIO, text="无音频轨", remark="码流无音频，庭审声音无法录制")
    mean, peak = _number(data, "mean_volume_db"), _number(data, "max_volume_db")
    if mean is None or peak is None or not data.get("audio_samples"):
        return c.result(CHECK, UNCHECKED, item=AUDIO, remark="未测得音频电平")
    level_state = c.level(-mean, "av_audio_level_db")
    peak_state = c.level(-peak, "av_audio_headroom_db")
    remark = {FAULT: "音频静音（无声音）", WARNING: "音频电平过低"}.get(level_state, "")
    if peak_state != NORMAL:
        remark = "，".join(r for r in (remark, f"音频削波（峰值 {peak:g} dBFS）") if r)
    return c.result(
        CHECK,
        worst([level_state, peak_state]),
        item=AUDIO,
        value=mean,
        unit="dBFS",
        text=f"平均 {mean:g} dBFS，峰值 {peak:g} dBFS",
        remark=remark,
    )


@check(CHECK)
def av_stream(c: Context) -> list[CheckResult]:
    data = c.r.get("av")
    if data is None:
        return []  # not a stream source (the plan's stream paths and models select the sources)
    if not isinstance(data, dict):
        raise Unreadable("音视频探测结果无法解析")
    if data.get("error"):
        return [c.result(CHECK, FAULT, item=STREAM, text="码流不可达", remark=str(data["error"])[:300])]
    return [_stream_row(c, data), _fps_row(c, data), _audio_row(c, data)]
