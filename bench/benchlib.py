"""What the Python bench harnesses share (bench/scale, bench/load): the site their task watches,
a free loopback port, RFC 3339 times, and a JSON call to the API with a bearer token."""
import json
import socket
import urllib.request

SITE = (55.6761, 12.5683)  # lat, lon: Copenhagen, inside the benches' task area


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def call(base, method, path, token, body=None, timeout=30):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method)
    req.add_header("Authorization", "Bearer " + token)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return json.loads(r.read() or b"{}")
