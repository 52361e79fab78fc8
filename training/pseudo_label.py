#!/usr/bin/env python3
"""Pseudo-labels persons (for `privacy`) or vehicles (for `street`) with a COCO-trained teacher.

No openly licensed person data exists in ../shared/datasets, so the `person` class of `privacy`
is learned from a teacher's boxes; and the only sources that label vehicles are close-ups of one
or two cars, so `street` learns the vehicles of its street-level photographs (road damage, signs,
street scenes with people), which those sources do not label, from the same teacher
(`--target vehicle`: COCO car, bus and truck as one class; sources that label vehicles
themselves are left alone). The teacher is Yolo-Fastest 1.1-XL (COCO, Darknet "YOLO LICENSE" v2, public
domain; ../shared/models/yolo-fastest-1.1, see its SOURCE.md), run with OpenCV DNN at two input
sizes and mirrored (test-time augmentation), its boxes merged by NMS. A box scoring at
least --keep becomes a label; one between --ignore and --keep, or smaller than --min-height px at
the stored resolution, becomes an ignore region (training neither rewards nor punishes person
scores there: the teacher is unsure). Every image of every source the
teacher labels for is labelled, whatever its split, so the held-out test split carries the same
kind of labels as training (its person figures measure agreement with the teacher; docs say so).

Writes <data>/persons.json (or vehicles.json): {"teacher": {...}, "images": {"<source>/<stem>":
{"person" (or "vehicle"): [[cx, cy, w, h, score], ...], "ignore": [[cx, cy, w, h, score], ...]}}}
(normalised to the image).
`--review N` also draws N randomly chosen images (seeded) with their boxes into <out>/review/ for a
check by eye (green: label, yellow: ignore).

Usage: /usr/bin/python3 training/pseudo_label.py --data training/.data --datasets ../shared/datasets
       [--target vehicle]
"""
import argparse
import json
import os
import random
import sys

import cv2
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import config  # noqa: E402

TEACHER = "yolo-fastest-1.1/yolo-fastest-1.1-xl"
# target -> (the model it labels for, COCO class ids in coco.names, output file)
TARGETS = {"person": ("privacy", (0,), "persons.json"),
           "vehicle": ("street", (2, 5, 7), "vehicles.json")}  # car, bus, truck


def teacher_net(models):
    base = os.path.join(models, TEACHER)
    net = cv2.dnn.readNetFromDarknet(base + ".cfg", base + ".weights")
    return net


def run_once(net, img, width, flip, coco=(0,)):
    """Boxes [x1, y1, x2, y2, score] of the COCO classes `coco` (as one class) in image pixels at
    one input size (a multiple of 32 keeping the image's aspect ratio), optionally on the
    mirrored image."""
    h, w = img.shape[:2]
    height = max(32, int(round(width * h / w / 32.0)) * 32)
    src = cv2.flip(img, 1) if flip else img
    blob = cv2.dnn.blobFromImage(src, 1 / 255.0, (width, height), swapRB=True, crop=False)
    net.setInput(blob)
    out = []
    for o in net.forward(net.getUnconnectedOutLayersNames()):
        for row in o:
            score = float(row[4] * max(row[5 + c] for c in coco))
            if score < 0.05:
                continue
            cx, cy, bw, bh = row[0] * w, row[1] * h, row[2] * w, row[3] * h
            if flip:
                cx = w - cx
            out.append([cx - bw / 2, cy - bh / 2, cx + bw / 2, cy + bh / 2, score])
    return out


def merge(boxes, iou=0.5):
    """NMS over the union of the passes; a kept box's score is the highest it absorbed."""
    if not boxes:
        return []
    b = np.array(boxes, dtype=np.float32)
    rects = [[float(x1), float(y1), float(x2 - x1), float(y2 - y1)] for x1, y1, x2, y2, _ in b]
    keep = cv2.dnn.NMSBoxes(rects, b[:, 4].tolist(), 0.05, iou)
    return [b[int(i)].tolist() for i in np.array(keep).reshape(-1)]


def label_image(net, img, keep, ignore, min_height, coco=(0,)):
    h, w = img.shape[:2]
    passes = []
    for size, flip in ((416, False), (640, False), (640, True)):
        passes += run_once(net, img, size, flip, coco)
    persons, ignored = [], []
    for x1, y1, x2, y2, s in merge(passes):
        x1, y1, x2, y2 = max(0.0, x1), max(0.0, y1), min(float(w), x2), min(float(h), y2)
        if x2 - x1 < 2 or y2 - y1 < 2 or s < ignore:
            continue
        box = [round((x1 + x2) / 2 / w, 6), round((y1 + y2) / 2 / h, 6), round((x2 - x1) / w, 6),
               round((y2 - y1) / h, 6), round(s, 3)]
        (persons if s >= keep and (y2 - y1) >= min_height else ignored).append(box)
    return persons, ignored


def faces_imply_persons(entry, persons, ignored):
    """Every labelled face belongs to a person. Where no teacher box (label or ignore region)
    holds a face's centre, the body that the face implies (3 face widths wide, from just above
    the face down 7 face heights, clipped to the image) becomes an ignore region: in crowds the
    teacher misses most people, and a missed person must not teach the student "background".
    Returns the number of regions added."""
    added = 0
    for name, cx, cy, bw, bh in config.kept_boxes(entry):
        if name != "face":
            continue
        if any(abs(cx - p[0]) <= p[2] / 2 and abs(cy - p[1]) <= p[3] / 2 for p in persons + ignored):
            continue
        x1, x2 = max(0.0, cx - 1.5 * bw), min(1.0, cx + 1.5 * bw)
        y1, y2 = max(0.0, cy - 0.8 * bh), min(1.0, cy - 0.8 * bh + 7 * bh)
        ignored.append([round((x1 + x2) / 2, 6), round((y1 + y2) / 2, 6), round(x2 - x1, 6),
                        round(y2 - y1, 6), 0.0])
        added += 1
    return added


def draw(img, persons, ignored, path):
    h, w = img.shape[:2]
    for boxes, colour in ((ignored, (0, 220, 255)), (persons, (0, 200, 0))):
        for cx, cy, bw, bh, s in boxes:
            p1 = (int((cx - bw / 2) * w), int((cy - bh / 2) * h))
            p2 = (int((cx + bw / 2) * w), int((cy + bh / 2) * h))
            cv2.rectangle(img, p1, p2, colour, 2)
            cv2.putText(img, f"{s:.2f}", (p1[0], max(10, p1[1] - 3)), cv2.FONT_HERSHEY_SIMPLEX, 0.4,
                        colour, 1)
    cv2.imwrite(path, img)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="training/.data")
    ap.add_argument("--datasets", default=config.DATASET_ROOT_DEFAULT)
    ap.add_argument("--models", default="../shared/models")
    ap.add_argument("--keep", type=float, default=0.4, help="teacher score of a label")
    ap.add_argument("--ignore", type=float, default=0.15, help="teacher score of an ignore region")
    ap.add_argument("--target", default="person", choices=sorted(TARGETS))
    ap.add_argument("--min-height", type=float, default=12, help="shorter boxes: ignore region")
    ap.add_argument("--review", type=int, default=0, help="draw this many random images")
    ap.add_argument("--out", default="", help="review folder parent (default: --data)")
    ap.add_argument("--reuse", action="store_true",
                    help="take the teacher's boxes from an existing persons.json (no teacher run)")
    args = ap.parse_args()
    if not os.path.exists(os.path.join(args.models, TEACHER + ".weights")):
        raise SystemExit(f"pseudo_label: teacher {TEACHER} not found under {args.models}")
    cv2.setNumThreads(max(1, os.cpu_count() or 1))
    model, coco, fname = TARGETS[args.target]
    index = json.load(open(os.path.join(args.data, "index.json")))
    sources = config.MODELS[model]["sources"]
    # only the sources that do not label the class themselves
    own = {k for k, v in sources.items() if config.labels_class(v, args.target)}
    entries = [e for e in index["images"] if e["source"] in sources and e["source"] not in own]
    old = json.load(open(os.path.join(args.data, fname)))["images"] if args.reuse else None
    net = None if args.reuse else teacher_net(args.models)
    result, n_p, n_i, n_f = {}, 0, 0, 0
    for k, e in enumerate(entries):
        key = f"{e['source']}/{e['stem']}"
        if old is not None:
            found = old[key][args.target]
            ignored = [b for b in old[key]["ignore"] if b[4] > 0]  # the teacher's, not face-implied
        else:
            img = cv2.imread(os.path.join(args.datasets, e["orig"]))
            found, ignored = label_image(net, img, args.keep, args.ignore, args.min_height, coco)
        if args.target == "person":
            n_f += faces_imply_persons(e, found, ignored)
        result[key] = {args.target: found, "ignore": ignored}
        n_p += len(found)
        n_i += len(ignored)
        if k % 200 == 0:
            print(f"pseudo_label: {k}/{len(entries)} images, {n_p} {args.target} boxes, {n_i} ignore regions",
                  flush=True)
    teacher = {"model": TEACHER, "licence": "YOLO LICENSE v2 (Darknet, public domain)",
               "coco_classes": list(coco), "target": args.target,
               "passes": "416, 640, 640 mirrored; NMS 0.5", "keep": args.keep,
               "ignore": args.ignore, "min_height": args.min_height,
               "face_implied_ignore_regions": n_f}
    with open(os.path.join(args.data, fname), "w") as f:
        json.dump({"teacher": teacher, "images": result}, f)
    print(f"pseudo_label: {len(entries)} images, {n_p} {args.target} boxes, {n_i} ignore regions "
          f"({n_f} implied by faces the teacher missed) -> {os.path.join(args.data, fname)}")
    if args.review:
        rdir = os.path.join(args.out or args.data, "review")
        os.makedirs(rdir, exist_ok=True)
        for e in random.Random(12).sample(entries, args.review):
            r = result[f"{e['source']}/{e['stem']}"]
            draw(cv2.imread(os.path.join(args.datasets, e["orig"])), r[args.target], r["ignore"],
                 os.path.join(rdir, e["id"] + ".jpg"))
        print(f"pseudo_label: {args.review} review images -> {rdir}")


if __name__ == "__main__":
    main()
