#!/usr/bin/env python3
"""A WHIP publisher (RFC 9725) on GStreamer's webrtcbin, for Cuecast's tests.

Debian's simple-whip-client links libsoup 2 while libnice (through gupnp-igd) loads libsoup 3, and
the process aborts at start; this client does the same on webrtcbin with Python's HTTP client.

usage: gst_whip_client.py URL TOKEN SECONDS [--audio]
Publishes a 640x360 30 fps pattern (H.264 constrained baseline, keyframe every second) and, with
--audio, a 440 Hz Opus tone; after SECONDS it DELETEs its session and exits 0. Exits 1 on failure.
"""
import ctypes
import sys
import urllib.error
import urllib.parse
import urllib.request

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstWebRTC", "1.0")
gi.require_version("GstSdp", "1.0")
gi.require_version("Nice", "0.1")
from gi.repository import GLib, Gst, GstSdp, GstWebRTC, Nice  # noqa: E402

url, token, seconds = sys.argv[1], sys.argv[2], int(sys.argv[3])
audio = "--audio" in sys.argv[4:]
Gst.init(None)

pipeline_text = (
    "webrtcbin name=w bundle-policy=max-bundle "
    "videotestsrc is-live=true pattern=ball ! video/x-raw,width=640,height=360,framerate=30/1 ! videoconvert "
    "! queue ! x264enc tune=zerolatency speed-preset=veryfast bitrate=800 key-int-max=30 "
    "! video/x-h264,profile=constrained-baseline ! rtph264pay config-interval=-1 pt=96 "
    "! application/x-rtp,media=video,encoding-name=H264,payload=96 ! w. "
)
if audio:
    pipeline_text += (
        "audiotestsrc is-live=true wave=sine freq=440 ! audioconvert ! audioresample ! queue ! opusenc "
        "! rtpopuspay pt=111 ! application/x-rtp,media=audio,encoding-name=OPUS,payload=111 ! w. "
    )
pipeline = Gst.parse_launch(pipeline_text)
webrtc = pipeline.get_by_name("w")
# libnice leaves loopback out of its candidates; the tests' server listens on 127.0.0.1 only, and
# with an address given, libnice gathers on it alone: nothing goes out of 127.0.0.1.
# PyGObject drops one reference too many on objects read from these properties (GStreamer 1.22);
# an extra reference, taken through libgobject, keeps webrtcbin's ICE agent alive.
_gobject = ctypes.CDLL("libgobject-2.0.so.0")
_gobject.g_object_ref.argtypes = [ctypes.c_void_p]
_gobject.g_object_ref.restype = ctypes.c_void_p
ice = webrtc.get_property("ice-agent")
_gobject.g_object_ref(hash(ice))
agent = ice.get_property("agent")
_gobject.g_object_ref(hash(agent))
loopback = Nice.Address.new()
loopback.set_from_string("127.0.0.1")
agent.add_local_address(loopback)
loop = GLib.MainLoop()
state = {"location": None, "failed": False}


def fail(message):
    print("whip client: " + message, flush=True)
    state["failed"] = True
    loop.quit()


def post_offer(offer_sdp):
    request = urllib.request.Request(url, data=offer_sdp.encode(), method="POST", headers={
        "Content-Type": "application/sdp", "Authorization": "Bearer " + token})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            answer = response.read().decode()
            state["location"] = urllib.parse.urljoin(url, response.headers["Location"])
    except urllib.error.HTTPError as e:
        fail("POST answered %d: %s" % (e.code, e.read().decode(errors="replace")))
        return
    print("whip client: 201, resource " + state["location"], flush=True)
    _, sdp = GstSdp.SDPMessage.new_from_text(answer)
    description = GstWebRTC.WebRTCSessionDescription.new(GstWebRTC.WebRTCSDPType.ANSWER, sdp)
    webrtc.emit("set-remote-description", description, Gst.Promise.new())


def on_gathering(element, _param):
    # No trickle: the offer goes out with every candidate once gathering is complete.
    if element.get_property("ice-gathering-state") == GstWebRTC.WebRTCICEGatheringState.COMPLETE \
            and state["location"] is None and not state["failed"]:
        post_offer(element.get_property("local-description").sdp.as_text())


def on_offer(promise, _unused, _data):
    promise.wait()
    reply = promise.get_reply()
    offer = reply.get_value("offer") if reply is not None and reply.has_field("offer") else None
    if offer is None:
        fail("webrtcbin made no offer: %s" % (reply.to_string() if reply is not None else "no reply"))
        return
    webrtc.emit("set-local-description", offer, Gst.Promise.new())


def on_negotiation_needed(element):
    element.emit("create-offer", None, Gst.Promise.new_with_change_func(on_offer, element, None))


def on_connection_state(element, _param):
    print("whip client: connection " + element.get_property("connection-state").value_nick, flush=True)


def stop():
    if state["location"]:
        request = urllib.request.Request(state["location"], method="DELETE",
                                         headers={"Authorization": "Bearer " + token})
        try:
            urllib.request.urlopen(request, timeout=5).read()
            print("whip client: DELETE done", flush=True)
        except urllib.error.URLError as e:
            print("whip client: DELETE failed: %s" % e, flush=True)
    loop.quit()
    return False


def on_message(_bus, message):
    if message.type == Gst.MessageType.ERROR:
        error, debug = message.parse_error()
        fail("pipeline error: %s (%s)" % (error, debug))


webrtc.connect("on-negotiation-needed", on_negotiation_needed)
webrtc.connect("notify::ice-gathering-state", on_gathering)
webrtc.connect("notify::connection-state", on_connection_state)
bus = pipeline.get_bus()
bus.add_signal_watch()
bus.connect("message", on_message)
# The transceivers webrtcbin made for the linked pads publish only.
for i in range(2 if audio else 1):
    t = webrtc.emit("get-transceiver", i)
    if t is not None:
        t.set_property("direction", GstWebRTC.WebRTCRTPTransceiverDirection.SENDONLY)
pipeline.set_state(Gst.State.PLAYING)
GLib.timeout_add_seconds(seconds, stop)
GLib.timeout_add_seconds(seconds + 20, lambda: fail("timed out") or False)
loop.run()
pipeline.set_state(Gst.State.NULL)
sys.exit(1 if state["failed"] else 0)
