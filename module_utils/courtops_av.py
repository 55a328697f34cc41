# -*- coding: utf-8 -*-
# Shared by library/courtops_av_probe.py (on the controller) and the unit tests (recorded outputs).
"""Pull a few seconds of RTSP streams with Debian's ffprobe / ffmpeg and read what they measured.

Raw facts only (codec, resolution, announced and measured frame rate, decode errors, audio level);
the judgement (正常 / 告警 / 故障) is courtops/inspection/checks/av.py on the controller. The parsers
read ffprobe's JSON and ffmpeg's ``-loglevel level+info`` log with the ``volumedetect`` filter; a
stream that does not answer is an ``error``, never an exception. Credentials never leave this
module: the URL returned is the one without user and password.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import asyncio
import json
import os
import re
import signal
import time
from urllib.parse import quote

_FRAME = re.compile(r"frame=\s*(\d+)\b")
_TIME = re.compile(r"\btime=(\d+):(\d\d):(\d\d(?:\.\d+)?)")
_MEAN = re.compile(r"mean_volume:\s*(-?(?:\d+(?:\.\d+)?|inf))\s*dB")
_MAX = re.compile(r"max_volume:\s*(-?(?:\d+(?:\.\d+)?|inf))\s*dB")
_SAMPLES = re.compile(r"n_samples:\s*(\d+)")
#: log lines ffmpeg tags [error] / [fatal] that are not about decoding the picture or sound
_NOT_DECODE = ("Conversion failed", "Error opening", "Connection", "Server returned", "Invalid data found")


def _rate(text):
    """'25/1' -> 25.0; '0/0' or garbage -> None."""
    try:
        num, _, den = str(text).partition("/")
        value = float(num) / float(den or 1)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    return round(value, 2) if value > 0 else None


def parse_ffprobe(text):
    """ffprobe -show_streams -of json -> {video: {...} | None, audio: {...} | None} or {error}."""
    try:
        data = json.loads(text or "")
    except ValueError:
        return {"error": "ffprobe 输出无法解析"}
    streams = data.get("streams") if isinstance(data, dict) else None
    if not isinstance(streams, list) or not streams:
        return {"error": "码流无音视频轨"}
    out = {"video": None, "audio": None}
    for s in streams:
        if not isinstance(s, dict):
            continue
        kind = s.get("codec_type")
        if kind == "video" and out["video"] is None:
            out["video"] = {
                "codec": str(s.get("codec_name") or ""),
                "profile": str(s.get("profile") or ""),
                "width": int(s.get("width") or 0),
                "height": int(s.get("height") or 0),
                "nominal_fps": _rate(s.get("avg_frame_rate")) or _rate(s.get("r_frame_rate")),
            }
        elif kind == "audio" and out["audio"] is None:
            out["audio"] = {
                "codec": str(s.get("codec_name") or ""),
                "sample_rate": int(s.get("sample_rate") or 0),
                "channels": int(s.get("channels") or 0),
            }
    return out


def _db(match):
    if not match:
        return None
    text = match.group(1)
    return float("-inf") if text == "-inf" else float(text)


def parse_ffmpeg(text):
    """ffmpeg -loglevel level+info ... -af volumedetect -f null - (its stderr) -> the measurements."""
    text = (text or "").replace("\r", "\n")
    frames = [int(m) for m in _FRAME.findall(text)]
    times = [int(h) * 3600 + int(m) * 60 + float(s) for h, m, s in _TIME.findall(text)]
    errors = [
        line
        for line in text.splitlines()
        if ("[error]" in line or "[fatal]" in line) and not any(w in line for w in _NOT_DECODE)
    ]
    samples = _SAMPLES.search(text)
    seconds = times[-1] if times else None
    out = {
        "frames": frames[-1] if frames else 0,
        "seconds": seconds,
        "fps": round(frames[-1] / seconds, 2) if frames and seconds else None,
        "decode_errors": len(errors),
        "decode_error_sample": errors[0].strip()[:200] if errors else "",
        "audio_samples": int(samples.group(1)) if samples else 0,
        "mean_volume_db": _db(_MEAN.search(text)),
        "max_volume_db": _db(_MAX.search(text)),
    }
    if out["mean_volume_db"] == float("-inf"):  # digital zero: ffmpeg prints -inf; JSON cannot carry it
        out["mean_volume_db"] = -120.0
    if out["max_volume_db"] == float("-inf"):
        out["max_volume_db"] = -120.0
    return out


def stream_url(spec, with_credentials):
    """rtsp://[user:password@]address:port/path — the credentials only for the tools' command line."""
    auth = ""
    if with_credentials and spec.get("user"):
        auth = quote(spec["user"], safe="") + ":" + quote(spec.get("password") or "", safe="") + "@"
    path = spec.get("path") or "/"
    return "rtsp://%s%s:%d%s" % (auth, spec["address"], int(spec.get("port") or 554), path)


def _last_error(stderr):
    lines = [ln.strip() for ln in (stderr or "").replace("\r", "\n").splitlines() if ln.strip()]
    return lines[-1][:200] if lines else ""


async def _run(argv, timeout):
    proc = await asyncio.create_subprocess_exec(
        *argv,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        start_new_session=True,  # its own process group: a timeout kills whatever it started too
    )
    try:
        out, err = await asyncio.wait_for(proc.communicate(), timeout)
    except asyncio.TimeoutError:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except OSError:
            pass
        await proc.wait()
        return None, "", ""
    return proc.returncode, out.decode("utf-8", "replace"), err.decode("utf-8", "replace")


async def probe_stream(spec, seconds, timeout, ffprobe="ffprobe", ffmpeg="ffmpeg"):
    """One stream: ffprobe for what it carries, then ffmpeg decodes ``seconds`` of it."""
    url = stream_url(spec, with_credentials=True)
    shown = stream_url(spec, with_credentials=False)
    started = time.monotonic()
    result = {"url": shown}
    transport = ["-rtsp_transport", "tcp"] if url.startswith("rtsp") else []
    rc, out, err = await _run(
        [ffprobe, "-v", "error", *transport, "-show_streams", "-of", "json", url], timeout
    )
    if rc is None:
        result["error"] = "码流探测超时（%g 秒）" % timeout
        return result
    if rc != 0:
        result["error"] = "码流不可达：" + (_last_error(err).replace(url, shown) or "ffprobe 退出码 %d" % rc)
        return result
    result.update(parse_ffprobe(out))
    if result.get("error"):
        return result
    left = max(1.0, timeout - (time.monotonic() - started))
    argv = [ffmpeg, "-nostdin", "-hide_banner", "-loglevel", "level+info", *transport, "-i", url,
            "-t", "%g" % seconds, "-fps_mode", "passthrough"]  # fmt: skip
    if result.get("audio"):
        argv += ["-af", "volumedetect"]
    rc, _, err = await _run([*argv, "-f", "null", "-"], left)
    if rc is None:
        result["error"] = "码流解码超时（%g 秒）" % timeout
        return result
    result.update(parse_ffmpeg(err))
    if rc != 0 and not result["frames"]:
        result["error"] = "码流解码失败：" + _last_error(err).replace(url, shown)
    result["elapsed"] = round(time.monotonic() - started, 2)
    return result


async def probe_all(specs, seconds=5.0, timeout=30.0, parallel=4, ffprobe="ffprobe", ffmpeg="ffmpeg"):
    """Every stream, at most ``parallel`` at once, each bounded by ``timeout`` seconds."""
    gate = asyncio.Semaphore(max(1, int(parallel)))

    async def one(spec):
        async with gate:
            try:
                return await probe_stream(spec, seconds, timeout, ffprobe, ffmpeg)
            except OSError as exc:  # ffmpeg missing or not executable: every stream says so
                return {"url": stream_url(spec, False), "error": "无法运行 ffprobe/ffmpeg：%s" % exc}

    results = await asyncio.gather(*(one(s) for s in specs))
    return {s["name"]: r for s, r in zip(specs, results)}
