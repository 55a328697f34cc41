"""Courtroom encoders for the lab: real RTSP audio/video streams (GStreamer's RTSP server).

Each lab courtroom encoder address serves ``rtsp://<address>:554/live/main``: H.264 video from
``videotestsrc`` (x264enc) and G.711 A-law audio from ``audiotestsrc``, as the court's courtroom hosts
(庭审主机) and IP cameras serve them. The stream's *condition* seeds what the AV probe must find:

- ``healthy``: 640×360 at 25 fps, a clear 1 kHz tone (about −15 dBFS);
- ``silent``: the same video, an audio track that carries only silence (a muted or unplugged microphone);
- ``choppy``: 25 fps announced, but about half the frames are dropped before encoding (irregular
  ~12 fps, as an overloaded encoder or a lossy uplink delivers).

A pipeline runs only while a client plays the stream, so idle encoders cost no CPU.

Runs with the *system* python3 (Debian's ``python3-gi`` and ``gir1.2-gst-rtsp-server-1.0``), not the
project's virtualenv, inside the lab's device namespace; it imports nothing from courtops.
Usage: /usr/bin/python3 courtops/lab/rtsp_server.py [--port=554] <address>=<condition> ... [--lab-state=<dir>]
"""

from __future__ import annotations

import sys

#: the mount every lab encoder serves (inspection_av_stream_paths.courtroom_av in the inspection plan)
MOUNT = "/live/main"

_VIDEO = (
    "videotestsrc is-live=true pattern=smpte ! video/x-raw,width=640,height=360,framerate=25/1 ! {drop}"
    "x264enc tune=zerolatency speed-preset=ultrafast bitrate=512 key-int-max=25 ! "
    "rtph264pay name=pay0 pt=96 config-interval=1"
)
_AUDIO = (
    "audiotestsrc is-live=true wave={wave} freq=1000 volume=0.25 ! audio/x-raw,rate=8000,channels=1 ! "
    "alawenc ! rtppcmapay name=pay1 pt=8"
)
#: condition -> the launch line of its media (a bin whose payloaders are pay0, pay1)
CONDITIONS = {
    "healthy": "( " + _VIDEO.format(drop="") + " " + _AUDIO.format(wave="sine") + " )",
    "silent": "( " + _VIDEO.format(drop="") + " " + _AUDIO.format(wave="silence") + " )",
    "choppy": "( "
    + _VIDEO.format(drop="identity drop-probability=0.5 ! ")
    + " "
    + _AUDIO.format(wave="sine")
    + " )",
}


def parse_args(argv: list[str]) -> tuple[int, list[tuple[str, str]]]:
    port, streams = 554, []
    for arg in argv:
        if arg.startswith("--port="):
            port = int(arg.split("=", 1)[1])
        elif arg.startswith("--"):
            continue  # --lab-state=<dir> only marks the process as this lab's (so `lab down` finds it)
        else:
            address, _, condition = arg.partition("=")
            if condition not in CONDITIONS:
                raise SystemExit(f"{arg}: condition must be one of {', '.join(CONDITIONS)}")
            streams.append((address, condition))
    if not streams:
        raise SystemExit(__doc__)
    return port, streams


def main(argv: list[str]) -> None:
    import gi

    gi.require_version("Gst", "1.0")
    gi.require_version("GstRtspServer", "1.0")
    from gi.repository import GLib, Gst, GstRtspServer

    Gst.init(None)
    port, streams = parse_args(argv)
    servers = []
    for address, condition in streams:
        server = GstRtspServer.RTSPServer()
        server.set_address(address)
        server.set_service(str(port))
        factory = GstRtspServer.RTSPMediaFactory()
        factory.set_launch(CONDITIONS[condition])
        factory.set_shared(True)  # several probes at once share one pipeline, as a real encoder does
        server.get_mount_points().add_factory(MOUNT, factory)
        if server.attach(None) == 0:
            raise SystemExit(f"cannot listen on {address}:{port}")
        servers.append(server)
    print(f"rtsp streams up: {', '.join(f'{a}={c}' for a, c in streams)}", file=sys.stderr, flush=True)
    GLib.MainLoop().run()


if __name__ == "__main__":
    main(sys.argv[1:])
