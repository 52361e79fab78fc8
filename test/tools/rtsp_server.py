#!/usr/bin/env python3
"""A loopback RTSP server for the live-camera tests: GStreamer's RTSP server library (Debian
gir1.2-gst-rtsp-server-1.0) streams a video file (opencv-doc's vtest.avi) as Motion-JPEG over
RTP, looping, to every client of rtsp://127.0.0.1:PORT/cam. Prints "ready PORT" once it listens;
runs until killed.

Usage: rtsp_server.py VIDEO PORT
"""
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402


def main():
    video, port = sys.argv[1], sys.argv[2]
    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(port)
    factory = GstRtspServer.RTSPMediaFactory()
    # decodebin reads the file whatever its codec; each client gets its own pipeline (not shared),
    # and a file that ends is played again from the start (a camera does not end).
    factory.set_launch(f"( multifilesrc location={video} loop=true ! decodebin ! videoconvert ! "
                       "videorate ! video/x-raw,framerate=10/1 ! jpegenc quality=80 ! "
                       "rtpjpegpay name=pay0 pt=26 )")
    factory.set_shared(False)
    server.get_mount_points().add_factory("/cam", factory)
    if server.attach(None) == 0:
        print(f"cannot listen on 127.0.0.1:{port}", file=sys.stderr, flush=True)
        return 1
    print(f"ready {port}", flush=True)
    GLib.MainLoop().run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
