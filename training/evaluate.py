#!/usr/bin/env python3
"""Validation metrics of a trained model on the held-out split (prepare_data.py's index.json).

Backends: `torch` (the checkpoint, through the same in-graph decoding as the export) or `opencv`
(the exported ONNX through cv2.dnn, i.e. OpenCV 4.6 as the product runs it). Preprocessing and
decoding mirror src/imaging/dnn_detector.cc: centred letterbox with grey 114 (INTER_AREA when
shrinking, INTER_LINEAR when enlarging), RGB /255, one row = one box with its best class,
score = objectness x class probability, per-class NMS (IoU 0.45).
Metrics: AP@0.5 (all-point interpolation) per class, per size (COCO areas at the stored image
resolution: small < 32^2, medium < 96^2, large), recall and Total Blurred Area at the manifest
thresholds, faces split at 32 px (shorter side). Classes that a source does not label are not
evaluated on its images. Also: CPU ms per 1920x1080 frame, one thread (--bench).
Usage: python3 training/evaluate.py --model privacy --onnx models/privacy.onnx --backend opencv
"""
import argparse
import json
import os
import sys
import time

import cv2
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import config  # noqa: E402

SIZES = {"small": (0, 32 ** 2), "medium": (32 ** 2, 96 ** 2), "large": (96 ** 2, 1e18)}


def letterbox(img, W, H):
    h, w = img.shape[:2]
    s = min(W / w, H / h)
    nw, nh = max(1, round(w * s)), max(1, round(h * s))
    r = cv2.resize(img, (nw, nh), interpolation=cv2.INTER_AREA if s < 1 else cv2.INTER_LINEAR)
    left, top = (W - nw) // 2, (H - nh) // 2
    canvas = cv2.copyMakeBorder(r, top, H - nh - top, left, W - nw - left, cv2.BORDER_CONSTANT,
                                value=(114, 114, 114))
    return canvas, nw / w, nh / h, left, top


class Runner:
    def __init__(self, backend, path, W, H):
        self.backend, self.W, self.H = backend, W, H
        if backend == "opencv":
            self.net = cv2.dnn.readNetFromONNX(path)
        else:
            import torch
            import detector
            from export_onnx import load_model
            model, _ = load_model(path)
            self.torch = torch
            self.wrapper = detector.ExportWrapper(model, W, H).eval()

    def __call__(self, blob):
        if self.backend == "opencv":
            self.net.setInput(blob)
            return self.net.forward()[0]
        with self.torch.no_grad():
            return self.wrapper(self.torch.from_numpy(blob)).numpy()[0]


def detect(runner, img, nc, min_score=0.001, nms_iou=0.45, top=300):
    canvas, sx, sy, px, py = letterbox(img, runner.W, runner.H)
    blob = cv2.dnn.blobFromImage(canvas, 1 / 255.0, (runner.W, runner.H), (0, 0, 0), swapRB=True)
    rows = runner(blob)
    sc = rows[:, 4:5] * rows[:, 5:5 + nc]
    cls = sc.argmax(1)
    score = sc[np.arange(len(sc)), cls]
    keep = score >= min_score
    rows, cls, score = rows[keep], cls[keep], score[keep]
    dets = []
    for c in range(nc):
        m = np.where(cls == c)[0]
        if len(m) == 0:
            continue
        m = m[np.argsort(-score[m])][: top * 4]
        b = rows[m, :4]
        x1 = (b[:, 0] - b[:, 2] / 2 - px) / sx
        y1 = (b[:, 1] - b[:, 3] / 2 - py) / sy
        ww, hh = b[:, 2] / sx, b[:, 3] / sy
        boxes = [[float(a), float(b_), float(c_), float(d)] for a, b_, c_, d in zip(x1, y1, ww, hh)]
        idx = cv2.dnn.NMSBoxes(boxes, score[m].astype(float).tolist(), min_score, nms_iou, top_k=top)
        for i in np.array(idx).reshape(-1):
            x, y, w_, h_ = boxes[i]
            dets.append((c, float(score[m][i]), x, y, x + w_, y + h_))
    return dets


def iou(a, b):
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    u = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / u if u > 0 else 0.0


def average_precision(results, c, size=None):
    """results: list of (gts [(cls,x1,y1,x2,y2)], dets, ignored classes). COCO-style size filter."""
    lo, hi = SIZES[size] if size else (0, 1e18)
    recs, npos = [], 0
    for gts, dets, ign in results:
        if c in ign:
            continue
        g = [x[1:5] for x in gts if x[0] == c]
        area = [(b[2] - b[0]) * (b[3] - b[1]) for b in g]
        region = [len(x) > 5 and x[5] for x in gts if x[0] == c]  # an ignore region
        g_ign = [not (lo <= a < hi) or r for a, r in zip(area, region)]
        npos += sum(not x for x in g_ign)
        used = [False] * len(g)
        for d in sorted([d for d in dets if d[0] == c], key=lambda d: -d[1]):
            best, bi = 0.5, -1
            for j, gb in enumerate(g):
                if used[j]:
                    continue
                v = iou(d[2:], gb)
                if v >= best and (bi < 0 or g_ign[bi] or not g_ign[j]):
                    best, bi = v, j
            if bi >= 0:
                used[bi] = True
                if g_ign[bi]:
                    continue
                recs.append((d[1], 1))
            else:
                da = (d[4] - d[2]) * (d[5] - d[3])
                if lo <= da < hi:
                    recs.append((d[1], 0))
    if npos == 0:
        return None, 0
    recs.sort(key=lambda r: -r[0])
    tp = np.cumsum([r[1] for r in recs]) if recs else np.zeros(0)
    fp = np.cumsum([1 - r[1] for r in recs]) if recs else np.zeros(0)
    rec = tp / npos if len(tp) else np.zeros(0)
    prec = tp / np.maximum(tp + fp, 1e-9) if len(tp) else np.zeros(0)
    mrec = np.concatenate(([0.0], rec, [1.0]))
    mpre = np.concatenate(([0.0], prec, [0.0]))
    for i in range(len(mpre) - 2, -1, -1):
        mpre[i] = max(mpre[i], mpre[i + 1])
    i = np.where(mrec[1:] != mrec[:-1])[0]
    return float(np.sum((mrec[i + 1] - mrec[i]) * mpre[i + 1])), npos


def recall_and_tba(results, c, thr, w_h, min_side=0, max_side=1e9):
    """Recall (IoU >= 0.5) and Total Blurred Area (share of GT pixels covered by detections)."""
    hit = tot = 0
    cov_px = tot_px = 0
    for (gts, dets, ign), (W, H) in zip(results, w_h):
        if c in ign:
            continue
        g = [x[1:5] for x in gts if x[0] == c and len(x) == 5 and
             min_side <= min(x[3] - x[1], x[4] - x[2]) < max_side]
        if not g:
            continue
        d = [x[2:] for x in dets if x[1] >= thr and x[0] == c]
        mask = np.zeros((H, W), np.uint8)
        for b in d:
            mask[max(0, int(b[1])):max(0, int(np.ceil(b[3]))), max(0, int(b[0])):max(0, int(np.ceil(b[2])))] = 1
        for gb in g:
            tot += 1
            hit += any(iou(gb, x) >= 0.5 for x in d)
            x1, y1, x2, y2 = max(0, int(gb[0])), max(0, int(gb[1])), int(np.ceil(gb[2])), int(np.ceil(gb[3]))
            tot_px += max(0, x2 - x1) * max(0, y2 - y1)
            cov_px += int(mask[y1:y2, x1:x2].sum())
    return (hit / tot if tot else None), (cov_px / tot_px if tot_px else None), tot


def bench(runner, nc, reps=10):
    cv2.setNumThreads(1)
    src = cv2.imread("/usr/share/darknet/data/dog.jpg")
    if src is None:
        src = np.random.default_rng(0).integers(0, 255, (576, 768, 3), dtype=np.uint8)
    frame = cv2.resize(src, (1920, 1080))
    detect(runner, frame, nc, min_score=0.25)
    ts = []
    for _ in range(reps):
        t = time.perf_counter()
        detect(runner, frame, nc, min_score=0.25)
        ts.append(time.perf_counter() - t)
    return 1000 * float(np.median(ts))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True, choices=sorted(config.MODELS))
    ap.add_argument("--backend", default="opencv", choices=["opencv", "torch"])
    ap.add_argument("--onnx", default="", help="ONNX file (opencv backend)")
    ap.add_argument("--ckpt", default="", help="checkpoint (torch backend)")
    ap.add_argument("--data", default="training/.data")
    ap.add_argument("--datasets", default=config.DATASET_ROOT_DEFAULT)
    ap.add_argument("--thresholds", default="", help="JSON {label: threshold} (default 0.3)")
    ap.add_argument("--part", default="val", choices=["val", "tune", "test"],
                    help="held-out images: all, the tuning half or the test half (config.part_of)")
    ap.add_argument("--size", default="", help="WxH input (default: the model's export_size)")
    ap.add_argument("--bench", action="store_true")
    ap.add_argument("--json", default="")
    args = ap.parse_args()
    spec = config.MODELS[args.model]
    classes = spec["classes"]
    nc = len(classes)
    W, H = (int(v) for v in args.size.split("x")) if args.size else spec["export_size"]
    runner = Runner(args.backend, args.onnx if args.backend == "opencv" else args.ckpt, W, H)
    thr = {c: 0.3 for c in classes}
    if args.thresholds:
        thr.update(json.loads(args.thresholds))
    index = json.load(open(os.path.join(args.data, "index.json")))
    persons = None
    if "person" in classes and "persons" in spec:
        ppath = os.path.join(args.data, spec["persons"])
        persons = json.load(open(ppath))["images"] if os.path.exists(ppath) else {}
    results, sizes = [], []
    t0 = time.time()
    for e in index["images"]:
        if not config.in_part(e, args.part) or e["source"] not in spec["sources"]:
            continue
        src = spec["sources"][e["source"]]
        ignored = {classes.index(c) for c in src["ignore"]}
        img = cv2.imread(os.path.join(args.datasets, e["orig"]))
        h, w = img.shape[:2]
        gts = []
        for name, cx, cy, bw, bh in config.kept_boxes(e):
            m = src["map"].get(name)
            if m is not None:
                gts.append((classes.index(m), (cx - bw / 2) * w, (cy - bh / 2) * h,
                            (cx + bw / 2) * w, (cy + bh / 2) * h))
        if persons is not None:  # the teacher's persons; its unsure boxes are ignore regions
            p = persons.get(f"{e['source']}/{e['stem']}")
            if p is None:
                ignored.add(classes.index("person"))
            else:
                for key, region in (("person", False), ("ignore", True)):
                    for cx, cy, bw, bh, _ in p[key]:
                        box = (classes.index("person"), (cx - bw / 2) * w, (cy - bh / 2) * h,
                               (cx + bw / 2) * w, (cy + bh / 2) * h)
                        gts.append(box + (True,) if region else box)
        dets = detect(runner, img, nc)
        results.append((gts, dets, ignored))
        sizes.append((w, h))
    out = {"model": args.model, "backend": args.backend, "input": [W, H], "images": len(results),
           "seconds": round(time.time() - t0, 1), "classes": {}}
    print(f"{args.model} [{args.backend}] {len(results)} held-out images ({args.part}), input {W}x{H}")
    print(f"{'class':15s} {'AP50':>6s} {'n':>5s} | {'small':>12s} {'medium':>12s} {'large':>12s} | "
          f"{'thr':>4s} {'recall':>6s} {'TBA':>5s}")
    aps = []
    for c, name in enumerate(classes):
        ap50, n = average_precision(results, c)
        per = {s: average_precision(results, c, s) for s in SIZES}
        rc, tba, _ = recall_and_tba(results, c, thr[name], sizes)
        row = {"ap50": ap50, "n": n, "sizes": {s: {"ap50": v[0], "n": v[1]} for s, v in per.items()},
               "threshold": thr[name], "recall": rc, "tba": tba}
        if name == "face":
            for lab, lo, hi in (("ge32", 32, 1e9), ("16to32", 16, 32), ("lt16", 0, 16)):
                r, t, k = recall_and_tba(results, c, thr[name], sizes, lo, hi)
                row[f"recall_{lab}"], row[f"tba_{lab}"], row[f"n_{lab}"] = r, t, k
        out["classes"][name] = row
        if ap50 is not None:
            aps.append(ap50)
        f = lambda v: "   -  " if v is None else f"{100 * v:6.1f}"
        sz = " ".join(f"{f(per[s][0])}({per[s][1]:4d})" for s in SIZES)
        print(f"{name:15s} {f(ap50)} {n:5d} | {sz} | {thr[name]:.2f} {f(rc)} {f(tba)}")
        if name == "face":
            print(f"{'':15s} face recall @thr: >=32px {f(row['recall_ge32'])} (n={row['n_ge32']}), "
                  f"16-32px {f(row['recall_16to32'])} (n={row['n_16to32']}), "
                  f"<16px {f(row['recall_lt16'])} (n={row['n_lt16']})")
    out["map50"] = float(np.mean(aps)) if aps else None
    print(f"mAP@0.5 {100 * out['map50']:.1f}")
    if args.bench:
        out["cpu_ms_1080p_1thread"] = bench(runner, nc)
        print(f"CPU, 1 thread, 1920x1080 frame (letterbox+forward+decode+NMS): "
              f"{out['cpu_ms_1080p_1thread']:.1f} ms")
    if args.json:
        with open(args.json, "w") as fjs:
            json.dump(out, fjs, indent=1)


if __name__ == "__main__":
    main()
