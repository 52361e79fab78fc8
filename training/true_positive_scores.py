#!/usr/bin/env python3
"""How confident the privacy model is on TRUE faces and plates: for every labelled face/plate of
the validation split (objects whose shorter side is at least --min-side px), the best score of a
same-class detection overlapping it (IoU > 0.3) on the whole-frame pass, and the share of objects
at or above each threshold. This is the measurement behind the anonymizer's
protect_override_score (docs/anonymization.md): a face or plate at least that confident over a
protected text region is blurred anyway.

Usage: /usr/bin/python3 training/true_positive_scores.py --datasets ../shared/datasets \
           [--model models/privacy.onnx] [--per-source 60] [--min-side 32]
Reads images only; needs python3-opencv and numpy (Debian).
"""
import argparse
import glob
import hashlib
import os
import sys

import cv2
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import config  # noqa: E402

SOURCES = ["privacy/roboflow-face-detection-mik1i", "privacy/roboflow-mask-wearing",
           "license_plates/openimages_google_licence_plates",
           "license_plates/openimages_samrat_license_plates_vehicles"]
CLASSES = ["face", "plate"]


def detections(net, img, w_in=960, h_in=544):
    """(class, score, x, y, w, h) in image pixels, letterboxed like the product's manifest."""
    h, w = img.shape[:2]
    s = min(w_in / w, h_in / h)
    canvas = np.full((h_in, w_in, 3), 114, np.uint8)
    canvas[:int(h * s), :int(w * s)] = cv2.resize(img, (int(w * s), int(h * s)))
    net.setInput(cv2.dnn.blobFromImage(canvas, 1 / 255.0, (w_in, h_in), swapRB=True))
    out = net.forward()[0]
    if out.shape[0] < out.shape[1]:
        out = out.T
    dets = []
    for r in out:
        scores = r[4] * r[5:]
        k = int(scores.argmax())
        if scores[k] >= 0.2:
            dets.append((k, float(scores[k]), (r[0] - r[2] / 2) / s, (r[1] - r[3] / 2) / s,
                         r[2] / s, r[3] / s))
    return dets


def iou(a, b):
    x0, y0 = max(a[0], b[0]), max(a[1], b[1])
    x1, y1 = min(a[0] + a[2], b[0] + b[2]), min(a[1] + a[3], b[1] + b[3])
    inter = max(0, x1 - x0) * max(0, y1 - y0)
    union = a[2] * a[3] + b[2] * b[3] - inter
    return inter / union if union > 0 else 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--datasets", default=config.DATASET_ROOT_DEFAULT)
    ap.add_argument("--model", default="models/privacy.onnx")
    ap.add_argument("--per-source", type=int, default=60, help="validation images per source")
    ap.add_argument("--min-side", type=float, default=32)
    args = ap.parse_args()
    net = cv2.dnn.readNet(args.model)
    best = {0: [], 1: []}
    for src in SOURCES:
        d = os.path.join(args.datasets, src)
        if not os.path.isdir(d):
            continue
        source = os.path.basename(src)
        classes = open(os.path.join(d, "classes.txt")).read().split()
        n = 0
        for path in sorted(glob.glob(os.path.join(d, "images", "*.jpg"))):
            stem = os.path.splitext(os.path.basename(path))[0]
            h = hashlib.sha1(f"{config.SPLIT_SALT}/{source}/{stem}".encode()).hexdigest()
            if int(h[:8], 16) / 0xFFFFFFFF >= config.VAL_FRACTION:
                continue  # training image
            img = cv2.imread(path)
            H, W = img.shape[:2]
            dets = detections(net, img)
            for line in open(os.path.join(d, "labels", stem + ".txt")):
                p = line.split()
                if not p:
                    continue
                name = classes[int(p[0])]
                k = 0 if name == "face" else (1 if "plate" in name else None)
                if k is None:
                    continue
                cx, cy, w, hh = (float(x) for x in p[1:5])
                g = ((cx - w / 2) * W, (cy - hh / 2) * H, w * W, hh * H)
                if min(g[2], g[3]) < args.min_side:
                    continue
                best[k].append(max([sc for (c, sc, *b) in dets if c == k and iou(g, b) > 0.3],
                                   default=0.0))
            n += 1
            if n >= args.per_source:
                break
    for k, name in enumerate(CLASSES):
        v = np.array(best[k])
        if len(v) == 0:
            print(f"{name}: no labelled objects found")
            continue
        shares = "  ".join(f">={t}: {(v >= t).mean():.3f}" for t in (0.3, 0.6, 0.7, 0.8))
        print(f"{name}: {len(v)} objects  median {np.median(v):.3f}  {shares}")


if __name__ == "__main__":
    main()
