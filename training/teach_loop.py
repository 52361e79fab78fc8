#!/usr/bin/env python3
"""The teach-a-new-object loop end to end (docs/teach.md), on a class that open data has so the
result can be measured: `traffic_light`, held out of the `street` model.

  collect  a real `tilsyn serve` on loopback: photographs with traffic lights (train split of the
           Kaggle sign set in ../shared/datasets, or synthetic images without it) are uploaded
           as observations by a vehicle (anonymized by the server), an inspector's boxes are
           saved through PUT /api/v1/observations/{id}/annotations; photographs of the same
           split *without* a light are uploaded too and marked complete for traffic_light with
           no box (negatives, --negatives); `tilsyn dataset export --label traffic_light`
           writes the YOLO folder
  train    train.py twice with the same recipe: the baseline without traffic_light (the "model
           in use") and the taught model (baseline classes + the export's traffic_light)
  pack     export_onnx.py + make_pack.py for both
  gate     `tilsyn models install TAUGHT --current BASELINE` on held-out sets

`ci` runs all four with a few CPU steps (CTest `teach_loop`): the few-step candidate must be
refused by the gate against the project's own `street` pack, and the table printed. The real
run (GPU) is `collect` here, `bash training/device_train.sh teach` on the device, then `pack`
and `gate` here; its figures are in models/street.MODEL_CARD.md ("Teaching a new object").
Exits 0 with SKIP when python3-torch / python3-opencv / the binaries are missing.
"""
import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
SIGNS = "traffic_signs/kaggle_road_sign_detection_cc0"
CLASS = "traffic_light"
SITE = (55.6761, 12.5683)


def log(*a):
    print("teach_loop:", *a, flush=True)


def run(*args, ok=(0,), **kw):
    log("+", " ".join(str(a) for a in args))
    r = subprocess.run([str(a) for a in args], cwd=ROOT, **kw)
    if r.returncode not in ok:
        raise SystemExit(f"{args[0]} exited {r.returncode}")
    return r.returncode


class Server:
    """`tilsyn serve` on loopback with a temporary data dir and no pipeline (the loop is about
    kept images and labels, not assessment); without a pipeline the server's anonymization pass
    runs in the upload request, so the inspector can label the image at once."""

    def __init__(self, tilsyn, data_dir):
        self.tilsyn, self.data_dir = tilsyn, data_dir
        self.env = dict(os.environ, TILSYN_IMAGE_KEY=os.urandom(32).hex(), TILSYN_LOG_LEVEL="warn")
        cfg = os.path.join(data_dir + ".json")
        json.dump({"run_pipeline": False, "anonymize_uploads": "request"}, open(cfg, "w"))
        self.token = self.cli("admin", "create-token", "--role", "admin", "--subject", "teach-admin").strip()
        self.inspector = self.cli("admin", "create-token", "--role", "inspector", "--subject", "ivan").strip()
        self.proc = subprocess.Popen([tilsyn, "serve", "--listen", "127.0.0.1", "--port", "0",
                                      "--data-dir", data_dir, "--config", cfg],
                                     stdout=subprocess.PIPE, env=self.env, text=True)
        deadline = time.time() + 60
        self.url = None
        while time.time() < deadline and self.url is None:
            line = self.proc.stdout.readline()
            if not line:
                raise SystemExit("tilsyn serve exited")
            if "serving on " in line:
                self.url = line.split("serving on ")[1].strip()
        if self.url is None:
            raise SystemExit("tilsyn serve did not start")

    def cli(self, *args):
        return subprocess.run([self.tilsyn, *args, "--data-dir", self.data_dir], env=self.env,
                              check=True, capture_output=True, text=True).stdout

    def call(self, method, path, body=None, token=None, ctype="application/json"):
        data = body if isinstance(body, bytes) else (json.dumps(body).encode() if body is not None else None)
        req = urllib.request.Request(self.url + path, data=data, method=method)
        req.add_header("Authorization", "Bearer " + (token or self.token))
        if data is not None:
            req.add_header("Content-Type", ctype)
        with urllib.request.urlopen(req, timeout=120) as r:
            return json.loads(r.read() or b"null")

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=30)


def multipart(meta, jpeg):
    b = "tilsyn-teach-" + uuid.uuid4().hex
    parts = [(b'Content-Disposition: form-data; name="metadata"\r\nContent-Type: application/json\r\n\r\n',
              json.dumps(meta).encode()),
             (b'Content-Disposition: form-data; name="image"; filename="i.jpg"\r\nContent-Type: image/jpeg\r\n\r\n',
              jpeg)]
    body = b"".join(b"--" + b.encode() + b"\r\n" + h + d + b"\r\n" for h, d in parts) + b"--" + b.encode() + b"--\r\n"
    return body, "multipart/form-data; boundary=" + b


def source_images(datasets, limit, negatives):
    """[(jpeg bytes, [(cx, cy, w, h) normalised])] of train-split photos: `limit` with the class
    (0 = all), then `negatives` without it (boxes []; -1 = all)."""
    import cv2
    from prepare_data import split_of
    pos, neg = [], []
    sdir = os.path.join(datasets, SIGNS)
    if os.path.isdir(sdir):
        names = [l.strip() for l in open(os.path.join(sdir, "classes.txt")) if l.strip()]
        cls = names.index(CLASS)
        for f in sorted(os.listdir(os.path.join(sdir, "images"))):
            stem = f.rsplit(".", 1)[0]
            lab = os.path.join(sdir, "labels", stem + ".txt")
            if split_of(SIGNS, stem) != "train" or not os.path.exists(lab):
                continue
            boxes = [tuple(float(v) for v in l.split()[1:]) for l in open(lab)
                     if l.split() and int(l.split()[0]) == cls]
            want = pos if boxes else neg
            if (boxes and limit and len(pos) >= limit) or (not boxes and 0 <= negatives <= len(neg)):
                continue
            ok, jpeg = cv2.imencode(".jpg", cv2.imread(os.path.join(sdir, "images", f)), [cv2.IMWRITE_JPEG_QUALITY, 92])
            want.append((jpeg.tobytes(), boxes))
        return pos + neg
    log("no", sdir, "- synthetic images")
    import numpy as np
    rng = np.random.default_rng(3)
    for i in range((limit or 12) + max(negatives, 0)):
        img = rng.integers(0, 90, (300, 400, 3), dtype=np.uint8)
        x, y, w, h = int(rng.integers(10, 300)), int(rng.integers(10, 150)), 30, 80
        img[y:y + h, x:x + w] = (40, 40, 40)
        if i >= (limit or 12):  # a negative: the pole without the lamps
            ok, jpeg = cv2.imencode(".jpg", img)
            neg.append((jpeg.tobytes(), []))
            continue
        for k, colour in enumerate(((0, 0, 230), (0, 200, 230), (0, 220, 0))):
            img[y + 5 + 25 * k:y + 25 + 25 * k, x + 5:x + 25] = colour
        ok, jpeg = cv2.imencode(".jpg", img)
        pos.append((jpeg.tobytes(), [((x + w / 2) / 400, (y + h / 2) / 300, w / 400, h / 300)]))
    return pos + neg


def collect(args):
    images = source_images(args.datasets, args.limit, args.negatives)
    if sum(1 for _, b in images if b) < 2:
        raise SystemExit("fewer than two source images")
    data_dir = os.path.join(args.work, "server")
    shutil.rmtree(data_dir, ignore_errors=True)
    os.makedirs(data_dir)
    srv = Server(args.tilsyn, data_dir)
    try:
        vehicle = srv.call("POST", "/api/v1/vehicles", {"name": "teach-sweeper"})
        vtoken = srv.call("POST", f"/api/v1/vehicles/{vehicle['id']}/token", {})["token"]
        now = time.time()
        iso = lambda t: time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))
        task = srv.call("POST", "/api/v1/tasks", {
            "title": "Signals at the crossing (teaching traffic lights)", "kind": "presence",
            "targets": [{"label": "traffic_sign", "min_confidence": 0.5}],
            "area": {"type": "Point", "coordinates": [SITE[1], SITE[0]], "radius_m": 40},
            "schedule": {"valid_from": iso(now - 86400), "valid_to": iso(now + 86400),
                         "time_zone": "Europe/Copenhagen", "min_interval_s": 0},
            "retention": {"evidence_days": 30, "keep_non_findings": True}}, token=srv.inspector)
        srv.call("POST", f"/api/v1/tasks/{task['id']}/activate", {}, token=srv.inspector)
        boxes_saved = negatives = 0
        for i, (jpeg, boxes) in enumerate(images):
            oid = str(uuid.uuid4())
            meta = {"id": oid, "job_id": task["id"], "captured_at": iso(now - 3600 + i),
                    "lat": SITE[0], "lon": SITE[1], "heading_deg": 90, "speed_kmh": 15, "accuracy_m": 4}
            body, ctype = multipart(meta, jpeg)
            srv.call("POST", "/api/v1/observations", body, token=vtoken, ctype=ctype)
            # The inspector's boxes, in the stored (anonymized) image's pixels.
            kept = srv.call("GET", f"/api/v1/observations/{oid}/annotations", token=srv.inspector)
            W, H = kept["width"], kept["height"]
            put = []
            for cx, cy, w, h in boxes:
                x, y = max(0, round((cx - w / 2) * W)), max(0, round((cy - h / 2) * H))
                bw, bh = min(W - x, round(w * W)), min(H - y, round(h * H))
                if bw >= 2 and bh >= 2:
                    put.append({"label": CLASS, "x": x, "y": y, "w": bw, "h": bh})
            # An image without a light: checked, none here (complete for the class, no box).
            body = {"boxes": put} if boxes else {"boxes": [], "complete_for": [CLASS]}
            srv.call("PUT", f"/api/v1/observations/{oid}/annotations", body, token=srv.inspector)
            boxes_saved += len(put)
            negatives += not boxes
        log(f"uploaded {len(images)} observations, saved {boxes_saved} boxes, {negatives} marked without {CLASS}")
    finally:
        srv.stop()
    export = os.path.join(args.work, "export")
    shutil.rmtree(export, ignore_errors=True)
    print(srv.cli("dataset", "export", "--out", export, "--label", CLASS), end="")
    verify = srv.cli("audit", "verify")
    log(verify.strip())
    return export


def prepare(args):
    data = os.path.join(args.work, "data")
    if not os.path.exists(os.path.join(data, "index.json")):
        extra = ["--limit", "6", "--max-side", "160"] if args.ci else []
        run(sys.executable, os.path.join(HERE, "prepare_data.py"), "--datasets", args.datasets, "--out", data, *extra)
    return data


def train(args, data, export):
    common = ["--model", "street", "--data", data, "--drop-class", CLASS, "--seed", "7"]
    small = ["--steps", "3", "--batch", "4", "--size", "128"] if args.ci else ["--steps", str(args.steps)]
    run(sys.executable, os.path.join(HERE, "train.py"), *common, *small, "--out", os.path.join(args.work, "baseline"))
    run(sys.executable, os.path.join(HERE, "train.py"), *common, *small, "--extra-yolo", export,
        "--out", os.path.join(args.work, "taught"))


def pack(args, export):
    size = ["--size", "256x160"] if args.ci else []
    packs = {}
    for name in ("baseline", "taught"):
        d = os.path.join(args.work, name)
        run(sys.executable, os.path.join(HERE, "export_onnx.py"), "--ckpt", os.path.join(d, "street.pt"),
            "--out", os.path.join(d, "street.onnx"), *size)
        extra = ["--export", export] if name == "taught" else []
        run(sys.executable, os.path.join(HERE, "make_pack.py"), "--ckpt", os.path.join(d, "street.pt"),
            "--onnx", os.path.join(d, "street.onnx"), "--out", os.path.join(d, "pack"),
            "--name", "street-" + name, *size, *extra)
        packs[name] = os.path.join(d, "pack")
    return packs


def gate(args, packs, current, held_out):
    """Runs the gate; 0 installed, 1 refused."""
    cmd = [args.tilsyn, "models", "install", packs["taught"], "--current", current,
           "--data-dir", os.path.join(args.work, "server")]
    for spec, images in held_out:
        cmd += ["--labels", spec, "--images", images]
    return run(*cmd, ok=(0, 1))


def held_out_sets(args, export):
    """[(LABEL=PATH or PATH, images folder)]: the export's val split for the taught class, and
    the validation split of every other class (export_eval_sets.py) or, in CI, the
    hand-labelled vehicles of test/data."""
    sets = [(f"{CLASS}={export}/labels/val", f"{export}/images/val")]
    if args.ci:
        sets.append((f"vehicle={ROOT}/test/data/street_eval.json", ""))
        return sets
    ev = os.path.join(args.work, "eval_sets")
    run(sys.executable, os.path.join(HERE, "export_eval_sets.py"), "--data", os.path.join(args.work, "data"),
        "--datasets", args.datasets, "--out", ev)
    for label in ("vehicle", "plate", "pothole", "road_crack", "traffic_sign"):
        d = os.path.join(ev, "street-" + label)
        sets.append((f"{label}={d}", d))
    return sets


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("step", choices=["ci", "collect", "train", "pack", "gate"])
    ap.add_argument("--work", default=os.path.join(ROOT, "training", ".teach"))
    ap.add_argument("--datasets", default=os.path.join(os.path.dirname(ROOT), "shared", "datasets"))
    ap.add_argument("--tilsyn", default=os.path.join(ROOT, "build", "bin", "tilsyn"))
    ap.add_argument("--limit", type=int, default=0, help="source images with the class (0 = all)")
    ap.add_argument("--negatives", type=int, default=-1,
                    help="source images without the class, marked checked-empty (-1 = all)")
    ap.add_argument("--steps", type=int, default=3600)
    args = ap.parse_args()
    args.ci = args.step == "ci"
    try:
        import cv2  # noqa: F401
        import torch  # noqa: F401
        import onnx  # noqa: F401
    except ImportError as e:
        print(f"SKIP teach loop: {e} (apt-get install python3-torch python3-opencv python3-onnx)")
        return 0
    if not os.access(args.tilsyn, os.X_OK):
        print(f"SKIP teach loop: {args.tilsyn} is not built")
        return 0
    if args.ci:
        tmp = tempfile.mkdtemp(prefix="tilsyn-teach-")
        args.work = tmp
        args.limit = args.limit or 12
        args.negatives = 4 if args.negatives < 0 else args.negatives
        try:
            export = collect(args)
            prov = json.load(open(os.path.join(export, "provenance.json")))
            assert prov["classes"] == [CLASS] and len(prov["images"]) >= 2, prov["classes"]
            assert all(i["labelled_by"] == ["ivan"] for i in prov["images"])
            negs = [i for i in prov["images"] if i["negative"]]
            assert len(negs) == args.negatives, f"{len(negs)} negatives exported, {args.negatives} marked"
            data = prepare(args)
            train(args, data, export)
            packs = pack(args, export)
            labels = json.load(open(os.path.join(packs["taught"], "manifest.json")))["models"][0]["labels"]
            assert labels[-1] == CLASS and CLASS not in json.load(open(os.path.join(packs["baseline"], "manifest.json")))["models"][0]["labels"], labels
            # A few CPU steps cannot match the project's model: the gate must refuse.
            code = gate(args, packs, os.path.join(ROOT, "models"), held_out_sets(args, export))
            assert code == 1, f"the gate accepted a {3}-step candidate (exit {code})"
            assert not os.path.exists(os.path.join(args.work, "server", "models")), "nothing installed"
            print("teach loop (CI): collected, exported, trained, packed, refused by the gate: OK")
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        return 0
    os.makedirs(args.work, exist_ok=True)
    export = os.path.join(args.work, "export")
    if args.step == "collect":
        collect(args)
        prepare(args)
    elif args.step == "train":
        train(args, prepare(args), export)
    elif args.step == "pack":
        pack(args, export)
    elif args.step == "gate":
        packs = {n: os.path.join(args.work, n, "pack") for n in ("baseline", "taught")}
        return gate(args, packs, packs["baseline"], held_out_sets(args, export))
    return 0


if __name__ == "__main__":
    sys.exit(main())
