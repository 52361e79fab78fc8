#!/usr/bin/env python3
"""bench/scale: Tilsyn on PostgreSQL with two API instances and one, then two, worker processes.

Run by bench/scale/run.sh (which starts a private PostgreSQL cluster on loopback and passes its
URL). Uploads real JPEGs from Debian's opencv-doc for an active job through both API instances,
measures end-to-end observations per second (first upload -> every observation assessed and its
webhook delivered) with one worker and with two, the upload -> assessment latency, and then kills
an API instance and a worker with SIGKILL five times each while uploads go on. Counts what was
acknowledged but never assessed (lost), assessments per observation beyond one, and webhook
deliveries per idempotency key beyond one. Everything on 127.0.0.1; bounded in count and time.
Last line:
  scale: backend=postgresql api=2 obs_per_s_1w=N obs_per_s_2w=N p99_ms=N lost=N dup_assessments=N dup_deliveries=N
"""
import argparse
import glob
import http.server
import json
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from datetime import datetime, timedelta, timezone

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from benchlib import SITE, call, free_port, iso  # noqa: E402


class Receiver(http.server.ThreadingHTTPServer):
    """Counts webhook deliveries per idempotency key."""

    def __init__(self):
        self.lock = threading.Lock()
        self.deliveries = {}

        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                n = int(self.headers.get("Content-Length", "0"))
                self.rfile.read(n)
                key = self.headers.get("Idempotency-Key", "")
                with outer.lock:
                    outer.deliveries[key] = outer.deliveries.get(key, 0) + 1
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)


class Proc:
    """One `tilsyn serve` process (an API instance or a worker) that can be killed and restarted."""

    def __init__(self, name, args, env, log_dir, port=None):
        self.name, self.args, self.env, self.port = name, args, env, port
        self.log = open(os.path.join(log_dir, name + ".log"), "ab")
        self.p = None

    def start(self):
        self.p = subprocess.Popen(self.args, env=self.env, stdout=self.log, stderr=self.log)

    def ready(self, timeout=60):
        if self.port is None:
            return True
        end = time.time() + timeout
        while time.time() < end:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/readyz", timeout=2) as r:
                    if r.status == 200:
                        return True
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            if self.p.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.p.returncode}")
            time.sleep(0.1)
        raise RuntimeError(f"{self.name} not ready after {timeout} s")

    def kill9(self):
        if self.p and self.p.poll() is None:
            self.p.send_signal(signal.SIGKILL)
            self.p.wait()

    def stop(self):
        if self.p and self.p.poll() is None:
            self.p.send_signal(signal.SIGTERM)
            try:
                self.p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill9()




def upload(bases, token, job_id, jpeg, obs_id, tries=20):
    """POSTs one observation to the API instances in turn until one acknowledges it (as an agent
    with a load balancer would). Returns True when acknowledged (201 created / 200 duplicate)."""
    boundary = "----tilsyn" + secrets.token_hex(8)
    meta = {"id": obs_id, "job_id": job_id, "captured_at": iso(datetime.now(timezone.utc) - timedelta(seconds=2)),
            "lat": SITE[0], "lon": SITE[1], "accuracy_m": 4}
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"metadata\"\r\n"
            f"Content-Type: application/json\r\n\r\n{json.dumps(meta)}\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"image\"; filename=\"f.jpg\"\r\n"
            f"Content-Type: image/jpeg\r\n\r\n").encode() + jpeg + f"\r\n--{boundary}--\r\n".encode()
    for i in range(tries):
        base = bases[(hash(obs_id) + i) % len(bases)]
        req = urllib.request.Request(base + "/api/v1/observations", data=body, method="POST")
        req.add_header("Authorization", "Bearer " + token)
        req.add_header("Content-Type", "multipart/form-data; boundary=" + boundary)
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                if r.status in (200, 201):
                    return True
        except urllib.error.HTTPError as e:
            if e.code not in (429, 500, 502, 503, 507):
                print(f"upload {obs_id}: HTTP {e.code} {e.read()[:200]!r}", file=sys.stderr)
                return False
        except (urllib.error.URLError, ConnectionError, OSError):
            pass  # the instance is down (killed): try the other one
        time.sleep(0.2)
    return False


def psql(url, sql):
    out = subprocess.run(["psql", "-X", "-At", url, "-c", sql], check=True, capture_output=True, text=True)
    return out.stdout.strip()


ACK_MS = []  # how long each acknowledged upload took to be answered (ms)


def upload_batch(n, bases, token, job_id, jpegs, threads=4, pace_s=0.0):
    ids = [str(uuid.uuid4()) for _ in range(n)]
    acked, lock = [], threading.Lock()

    def run(part):
        for i in part:
            t0 = time.time()
            if upload(bases, token, job_id, jpegs[i % len(jpegs)], ids[i]):
                with lock:
                    acked.append(ids[i])
                    ACK_MS.append((time.time() - t0) * 1000)
            if pace_s:
                time.sleep(pace_s)

    ts = [threading.Thread(target=run, args=(range(k, n, threads),)) for k in range(threads)]
    for t in ts:
        t.start()
    return ids, acked, ts


def wait_done(url, ids, receiver, timeout):
    """Until every id is done and has its delivery; returns seconds waited or None on timeout."""
    t0 = time.time()
    id_list = ",".join(f"'{i}'" for i in ids)
    while time.time() - t0 < timeout:
        done = int(psql(url, f"SELECT COUNT(*) FROM observations WHERE state = 'done' AND id IN ({id_list})"))
        keys = int(psql(url, "SELECT COUNT(DISTINCT r.idempotency_key) FROM action_runs r JOIN assessments a "
                             f"ON a.id = r.assessment_id WHERE r.type = 'webhook' AND a.observation_id IN ({id_list}) "
                             "AND r.status = 'succeeded'"))
        if done == len(ids) and keys == len(ids):
            return time.time() - t0
        time.sleep(0.2)
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--database", required=True)
    ap.add_argument("--tilsyn", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--per-phase", type=int, default=40)
    ap.add_argument("--kills", type=int, default=5)
    ap.add_argument("--assess-threads", type=int, default=os.cpu_count() or 1,
                    help="assessment threads per worker (TILSYN_ASSESS_THREADS; default: the cores)")
    a = ap.parse_args()

    jpegs = [open(p, "rb").read() for p in sorted(glob.glob("/usr/share/doc/opencv-doc/examples/data/*.jpg"))
             if os.path.getsize(p) > 20000][:12]
    if not jpegs:
        sys.exit("bench-scale: opencv-doc's example JPEGs are missing (apt install opencv-doc)")
    env = dict(os.environ, TILSYN_DATABASE_URL=a.database, TILSYN_IMAGE_KEY=secrets.token_hex(32))
    logs = os.path.join(a.work, "logs")
    os.makedirs(logs, exist_ok=True)

    def serve(name, role, port):
        d = os.path.join(a.work, name)
        os.makedirs(d, exist_ok=True)
        penv = dict(env, TILSYN_ASSESS_THREADS=str(a.assess_threads)) if role == "worker" else env
        return Proc(name, [a.tilsyn, "serve", "--role", role, "--port", str(port or 0), "--data-dir", d],
                    penv, logs, port)

    apis = [serve("api-1", "api", free_port()), serve("api-2", "api", free_port())]
    workers = [serve("worker-1", "worker", None), serve("worker-2", "worker", None)]
    receiver = Receiver()
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    hook = f"http://127.0.0.1:{receiver.server_address[1]}/hook"
    procs = apis + workers
    try:
        for p in apis:
            p.start()
        for p in apis:
            p.ready()
        bases = [f"http://127.0.0.1:{p.port}" for p in apis]
        admin = subprocess.run([a.tilsyn, "admin", "create-token", "--role", "admin", "--subject", "bench",
                                "--data-dir", os.path.join(a.work, "api-1")], env=env, check=True,
                               capture_output=True, text=True).stdout.strip().splitlines()[-1]
        now = datetime.now(timezone.utc)
        task = {"title": "bench-scale site", "unit": "bench", "kind": "presence",
                "targets": [{"label": "person", "min_confidence": 0.5}],
                "area": {"type": "Point", "coordinates": [SITE[1], SITE[0]], "radius_m": 200},
                "schedule": {"valid_from": iso(now - timedelta(days=1)), "valid_to": iso(now + timedelta(days=1))},
                "actions": [{"type": "webhook", "on": ["ok", "finding", "inconclusive"], "url": hook,
                             "secret": "bench-secret"}],
                "retention": {"evidence_days": 1}}
        tid = call(bases[0], "POST", "/api/v1/tasks", admin, task)["id"]
        call(bases[0], "POST", f"/api/v1/tasks/{tid}/activate", admin, {})
        vid = call(bases[0], "POST", "/api/v1/vehicles", admin, {"name": "bench sweeper"})["id"]
        vtoken = call(bases[0], "POST", f"/api/v1/vehicles/{vid}/token", admin, {})["token"]
        jobs = call(bases[0], "GET", "/api/v1/jobs?since=0", vtoken)["jobs"]
        job_id = next(j["id"] for j in jobs if j.get("task_id") == tid and j.get("active"))

        rates = {}
        all_acked = []
        for phase, nworkers in (("1w", 1), ("2w", 2)):
            for w in workers[:nworkers]:
                if w.p is None or w.p.poll() is not None:
                    w.start()
            time.sleep(1.0)  # the workers connect and migrate-check
            t0 = time.time()
            ids, acked, ts = upload_batch(a.per_phase, bases, vtoken, job_id, jpegs)
            for t in ts:
                t.join()
            waited = wait_done(a.database, acked, receiver, timeout=300)
            if waited is None:
                sys.exit(f"bench-scale: phase {phase} did not finish in 300 s (logs in {logs})")
            elapsed = time.time() - t0
            rates[phase] = len(acked) / elapsed
            all_acked += acked
            print(f"phase {phase}: {len(acked)}/{len(ids)} acknowledged, all assessed and delivered in "
                  f"{elapsed:.1f} s -> {rates[phase]:.2f} observations/s", flush=True)

        ids_sql = ",".join(f"'{i}'" for i in all_acked)
        lat = [int(x) for x in psql(a.database, "SELECT a.created_ms - o.received_ms FROM assessments a JOIN observations o "
                                                f"ON o.id = a.observation_id WHERE o.id IN ({ids_sql}) ORDER BY 1").split()]
        p50, p99 = lat[len(lat) // 2], lat[min(len(lat) - 1, (len(lat) * 99) // 100)]
        print(f"upload -> assessment (both phases, {len(lat)} observations): p50 {p50} ms, p99 {p99} ms", flush=True)
        ack = sorted(ACK_MS)
        print(f"upload answered (acknowledged uploads, both phases): p50 {ack[len(ack) // 2]:.0f} ms, "
              f"p99 {ack[min(len(ack) - 1, (len(ack) * 99) // 100)]:.0f} ms", flush=True)

        # Faults: SIGKILL an API instance and a worker `kills` times each while uploads go on.
        ids, acked, ts = upload_batch(a.per_phase, bases, vtoken, job_id, jpegs, threads=2, pace_s=0.1)
        for k in range(a.kills):
            for victim in (apis[1], workers[1]):
                time.sleep(0.7)
                victim.kill9()
                print(f"kill -9 {victim.name} ({k + 1}/{a.kills})", flush=True)
                time.sleep(0.3)
                victim.start()
                victim.ready()
        for t in ts:
            t.join()
        waited = wait_done(a.database, acked, receiver, timeout=300)
        all_acked += acked
        ids_sql = ",".join(f"'{i}'" for i in all_acked)
        done = int(psql(a.database, f"SELECT COUNT(*) FROM observations WHERE state = 'done' AND id IN ({ids_sql})"))
        lost = len(all_acked) - done
        dup_assessments = int(psql(a.database, "SELECT COUNT(*) - COUNT(DISTINCT observation_id) FROM assessments"))
        with receiver.lock:
            dup_deliveries = sum(n - 1 for n in receiver.deliveries.values())
            delivered = len(receiver.deliveries)
        print(f"faults: {len(acked)}/{len(ids)} acknowledged during {a.kills} kills of api-2 and of worker-2; "
              f"{'all assessed' if waited is not None else 'NOT all assessed in 300 s'}", flush=True)
        print(f"acknowledged {len(all_acked)}, done {done}, webhook keys delivered {delivered}", flush=True)
        print(f"(workers with {a.assess_threads} assessment threads each, {os.cpu_count()} cores)", flush=True)
        print(f"scale: backend=postgresql api=2 obs_per_s_1w={rates['1w']:.2f} obs_per_s_2w={rates['2w']:.2f} "
              f"p99_ms={p99} lost={lost} dup_assessments={dup_assessments} dup_deliveries={dup_deliveries}", flush=True)
    finally:
        for p in procs:
            p.stop()
        receiver.shutdown()


if __name__ == "__main__":
    main()
