#!/usr/bin/python
# -*- coding: utf-8 -*-
# Runs on the control node (connection local), like courtops_device_probe; needs Debian's ffmpeg.
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: courtops_av_probe
short_description: Measure courtroom audio/video streams with ffprobe / ffmpeg (庭审音视频码流探测)
description:
  - Pulls a few seconds of each device's RTSP stream from the control node - C(ffprobe) reads what the
    stream carries (video codec, resolution, announced frame rate, audio codec), C(ffmpeg) decodes
    C(seconds) of it and measures the frame rate, the decode errors and the audio level (mean and peak,
    the C(volumedetect) filter).
  - One call covers every stream source of the play (run it once with C(run_once)); at most C(parallel)
    streams are pulled at once and each is bounded by C(timeout) seconds.
  - Read-only. A stream that does not answer is reported under its device, never an error of the task.
    The returned URL never carries the credentials.
version_added: "0.1.0"
author: courtops
requirements: [ffmpeg and ffprobe (Debian package ffmpeg) on the control node]
options:
  streams:
    description: The streams to measure.
    type: list
    elements: dict
    required: true
    suboptions:
      name: {description: Inventory name, type: str, required: true}
      address: {description: IP address or host name, type: str, required: true}
      port: {description: RTSP port, type: int, default: 554}
      path: {description: "RTSP path of the stream, e.g. /live/main", type: str, required: true}
      user: {description: RTSP user (empty - no credentials), type: str, default: ""}
      password: {description: RTSP password (not logged), type: str, default: ""}
  seconds:
    description: Seconds of each stream to decode.
    type: float
    default: 5.0
  timeout:
    description: Seconds one stream's whole measurement may take; longer is an error with 超时.
    type: float
    default: 30.0
  parallel:
    description: Streams pulled at the same time.
    type: int
    default: 4
"""

EXAMPLES = r"""
- name: Measure every courtroom encoder of the play in one call
  courtops_av_probe:
    streams: "{{ ansible_play_hosts | map('extract', hostvars) | selectattr('inspection_av_spec', 'defined')
                 | map(attribute='inspection_av_spec') | list }}"
    seconds: 5
  run_once: true
  delegate_to: localhost
  register: inspection_av
"""

RETURN = r"""
streams:
  description: Per device name - url (without credentials), video {codec, profile, width, height,
    nominal_fps}, audio {codec, sample_rate, channels}, frames, seconds, fps, decode_errors,
    decode_error_sample, audio_samples, mean_volume_db, max_volume_db, elapsed | error.
  returned: always
  type: dict
elapsed:
  description: Seconds the batch took.
  returned: always
  type: float
"""

import asyncio
import shutil
import time

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.courtops_av import probe_all


def main():
    module = AnsibleModule(
        argument_spec=dict(
            streams=dict(
                type="list",
                elements="dict",
                required=True,
                options=dict(
                    name=dict(type="str", required=True),
                    address=dict(type="str", required=True),
                    port=dict(type="int", default=554),
                    path=dict(type="str", required=True),
                    user=dict(type="str", default=""),
                    password=dict(type="str", default="", no_log=True),
                ),
            ),
            seconds=dict(type="float", default=5.0),
            timeout=dict(type="float", default=30.0),
            parallel=dict(type="int", default=4),
        ),
        supports_check_mode=True,  # read-only: it measures in check mode too
    )
    p = module.params
    if p["streams"] and not (shutil.which("ffprobe") and shutil.which("ffmpeg")):
        module.fail_json(msg="ffprobe/ffmpeg not found on the control node (Debian package ffmpeg)")
    started = time.monotonic()
    streams = asyncio.run(probe_all(p["streams"], p["seconds"], p["timeout"], p["parallel"]))
    module.exit_json(changed=False, streams=streams, elapsed=round(time.monotonic() - started, 2))


if __name__ == "__main__":
    main()
