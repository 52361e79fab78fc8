#!/usr/bin/env python3
"""bench/load: job sync and uploads from many simulated vehicles against one `tilsyn serve`.

Run by bench/load/run.sh (make bench-load). Starts an API instance (`--role api`: it answers
vehicles and stores uploads; no assessment runs beside it, so the figures are the API's own) on
127.0.0.1 with a fresh SQLite data folder, creates an active task and VEHICLES vehicles with
their tokens, then drives it with wrk (Debian's wrk 4.1, Lua scripts beside this file):
  sync   GET  /api/v1/jobs?since=0   at a fixed offered rate, then at saturation
  upload POST /api/v1/observations   (multipart, real JPEGs from opencv-doc) likewise
Per phase: requests/s, p50/p99 latency, errors (an answer other than 200 for sync and 201 for an
upload, or a connect/read/write/timeout error)
and the server's CPU per request (utime + stime of its process, from /proc). Every phase runs a
fixed number of seconds with a fixed number of connections: bounded in count and time.
Last line:
  load: sync_rps=N sync_p99_ms=N upload_rps=N upload_p99_ms=N errors=0
(the saturation phases' rates and p99; errors summed over all phases).
"""
import argparse
import glob
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta, timezone

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
from benchlib import SITE, call, free_port, iso  # noqa: E402


def cpu_seconds(pid):
    """utime + stime of a process in seconds (fields 14 and 15 of /proc/PID/stat)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_ready(base, proc, timeout=60):
    end = time.time() + timeout
    while time.time() < end:
        if proc.poll() is not None:
            sys.exit(f"bench-load: the server exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(base + "/readyz", timeout=2) as r:
                if r.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, OSError):
            pass
        time.sleep(0.1)
    sys.exit(f"bench-load: the server was not ready after {timeout} s")


def run_wrk(port, script, args, connections, seconds):
    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s",
           os.path.join(HERE, script), f"http://127.0.0.1:{port}", "--", *args]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True,
                         env=dict(os.environ, TILSYN_LOAD_DIR=HERE)).stdout
    line = next((l for l in reversed(out.splitlines()) if l.startswith("{")), None)
    if line is None:
        sys.exit(f"bench-load: wrk printed no summary:\n{out}")
    return json.loads(line)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tilsyn", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--vehicles", type=int, default=50)
    ap.add_argument("--seconds", type=int, default=10, help="per phase")
    ap.add_argument("--sync-rate", type=float, default=200, help="offered job syncs per second")
    ap.add_argument("--upload-rate", type=float, default=10, help="offered uploads per second")
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--upload-connections", type=int, default=8,
                    help="at most the server's max_concurrent_uploads (16), else 429s")
    a = ap.parse_args()

    jpegs = sorted(p for p in glob.glob("/usr/share/doc/opencv-doc/examples/data/*.jpg")
                   if 20000 < os.path.getsize(p) < 200000)[:8]
    if not jpegs:
        sys.exit("bench-load: opencv-doc's example JPEGs are missing (apt install opencv-doc)")
    jpeg_list = os.path.join(a.work, "jpegs.txt")
    with open(jpeg_list, "w") as f:
        f.write("\n".join(jpegs) + "\n")
    data = os.path.join(a.work, "data")
    os.makedirs(data, exist_ok=True)
    # Per-token rate limits off: the bench measures the server, and the fleet's vehicles share
    # nothing else; every other limit as shipped.
    config = os.path.join(a.work, "config.json")
    with open(config, "w") as f:
        json.dump({"rate_limit_per_minute": 0}, f)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ, TILSYN_IMAGE_KEY=os.urandom(32).hex())
    log = open(os.path.join(a.work, "server.log"), "ab")
    server = subprocess.Popen([a.tilsyn, "serve", "--role", "api", "--listen", "127.0.0.1",
                               "--port", str(port), "--data-dir", data, "--config", config],
                              env=env, stdout=log, stderr=log)
    try:
        wait_ready(base, server)
        admin = subprocess.run([a.tilsyn, "admin", "create-token", "--role", "admin", "--subject", "bench-load",
                                "--data-dir", data], env=env, check=True, capture_output=True,
                               text=True).stdout.strip().splitlines()[-1]
        now = datetime.now(timezone.utc)
        task = {"title": "bench-load site", "unit": "bench", "kind": "presence",
                "targets": [{"label": "person", "min_confidence": 0.5}],
                "area": {"type": "Point", "coordinates": [SITE[1], SITE[0]], "radius_m": 200},
                "schedule": {"valid_from": iso(now - timedelta(days=1)), "valid_to": iso(now + timedelta(days=1))},
                "retention": {"evidence_days": 1}}
        tid = call(base, "POST", "/api/v1/tasks", admin, task)["id"]
        call(base, "POST", f"/api/v1/tasks/{tid}/activate", admin, {})
        tokens = []
        for i in range(a.vehicles):
            vid = call(base, "POST", "/api/v1/vehicles", admin, {"name": f"load vehicle {i + 1}"})["id"]
            tokens.append(call(base, "POST", f"/api/v1/vehicles/{vid}/token", admin, {})["token"])
        token_file = os.path.join(a.work, "tokens.txt")
        with open(token_file, "w") as f:
            f.write("\n".join(tokens) + "\n")
        jobs = call(base, "GET", "/api/v1/jobs?since=0", tokens[0])["jobs"]
        job_id = next(j["id"] for j in jobs if j.get("task_id") == tid and j.get("active"))
        print(f"== tilsyn serve --role api on 127.0.0.1:{port} (SQLite), {a.vehicles} vehicles, "
              f"{len(jpegs)} JPEGs ({min(map(os.path.getsize, jpegs)) // 1000}-"
              f"{max(map(os.path.getsize, jpegs)) // 1000} KB), {os.cpu_count()} cores, "
              f"{a.seconds} s per phase", flush=True)

        def phase(name, script, args, connections, rate):
            per_conn = rate / connections if rate else 0
            before = cpu_seconds(server.pid)
            r = run_wrk(port, script, [*args, str(per_conn)] if rate else args, connections, a.seconds)
            cpu = cpu_seconds(server.pid) - before
            rps = r["requests"] / r["duration_s"]
            # every answer must carry the expected status (sync 200, upload 201 created: a 200
            # would be a duplicate id), and nothing may fail on the socket
            errors = (r["requests"] - r["expected_status"]) + sum(
                v for k, v in r.items() if k.startswith("errors_") and k != "errors_status")
            cpu_ms = 1000 * cpu / max(1, r["requests"])
            offered = f"offered {rate:.0f}/s" if rate else "saturation"
            print(f"{name:7s} {offered:14s} c={connections:<3d} {rps:8.1f} req/s  p50 {r['p50_ms']:7.2f} ms  "
                  f"p99 {r['p99_ms']:7.2f} ms  errors {errors}  server CPU {cpu_ms:.2f} ms/req "
                  f"({rps * cpu_ms / 1000:.2f} cores)", flush=True)
            return rps, r["p99_ms"], errors

        sync_args = [token_file]
        upload_args = [token_file, job_id, str(SITE[0]), str(SITE[1]), jpeg_list]
        results = [
            phase("sync", "sync.lua", sync_args, a.connections, a.sync_rate),
            phase("sync", "sync.lua", sync_args, a.connections, 0),
            phase("upload", "upload.lua", upload_args, a.upload_connections, a.upload_rate),
            phase("upload", "upload.lua", upload_args, a.upload_connections, 0),
        ]
        errors = sum(r[2] for r in results)
        print(f"load: sync_rps={results[1][0]:.0f} sync_p99_ms={results[1][1]:.1f} "
              f"upload_rps={results[3][0]:.1f} upload_p99_ms={results[3][1]:.1f} errors={errors}", flush=True)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    main()
