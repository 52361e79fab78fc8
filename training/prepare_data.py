#!/usr/bin/env python3
"""Builds the compact training folder that travels to the GPU machine.

Reads ../shared/datasets (YOLO format), splits every source by image (deterministic: SHA-1 of
"<source>/<stem>" with a fixed salt; VAL_FRACTION go to validation), and writes
  <out>/images/<id>.webp  TRAIN images only, longer side <= --max-side, WebP/JPEG --quality
  <out>/index.json        every image (train and val): source, split, original path, size, boxes
Validation images are not copied: evaluation reads the originals from the dataset folder.
Usage: python3 training/prepare_data.py --datasets ../shared/datasets --out training/.data
"""
import argparse
import hashlib
import json
import os
import sys

import cv2

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import config  # noqa: E402


def split_of(source, stem):
    h = hashlib.sha1(f"{config.SPLIT_SALT}/{source}/{stem}".encode()).hexdigest()
    return "val" if int(h[:8], 16) / 0xFFFFFFFF < config.VAL_FRACTION else "train"


def all_sources():
    s = set()
    for m in config.MODELS.values():
        s.update(m["sources"].keys())
    return sorted(s)


def read_labels(path, names):
    boxes = []
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                p = line.split()
                if len(p) != 5:
                    continue
                c = int(p[0])
                boxes.append([names[c]] + [float(v) for v in p[1:]])
    return boxes


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--datasets", default=config.DATASET_ROOT_DEFAULT)
    ap.add_argument("--out", default="training/.data")
    ap.add_argument("--max-side", type=int, default=480)
    ap.add_argument("--quality", type=int, default=75)
    ap.add_argument("--ext", default="webp", choices=["webp", "jpg"])
    ap.add_argument("--limit", type=int, default=0, help="images per source (0 = all)")
    args = ap.parse_args()
    os.makedirs(os.path.join(args.out, "images"), exist_ok=True)
    index = []
    for source in all_sources():
        sdir = os.path.join(args.datasets, source)
        names = [l.strip() for l in open(os.path.join(sdir, "classes.txt")) if l.strip()]
        files = sorted(f for f in os.listdir(os.path.join(sdir, "images")) if f.endswith(".jpg"))
        if args.limit:
            files = files[: args.limit]
        for f in files:
            stem = f[:-4]
            img_path = os.path.join(sdir, "images", f)
            img = cv2.imread(img_path)
            h, w = img.shape[:2]
            split = split_of(source, stem)
            iid = hashlib.sha1(f"{source}/{stem}".encode()).hexdigest()[:16]
            entry = {"id": iid, "source": source, "stem": stem, "split": split,
                     "orig": os.path.relpath(img_path, args.datasets), "w": w, "h": h,
                     "boxes": read_labels(os.path.join(sdir, "labels", stem + ".txt"), names)}
            if split == "train":
                s = min(1.0, args.max_side / max(h, w))
                if s < 1.0:
                    img = cv2.resize(img, (round(w * s), round(h * s)), interpolation=cv2.INTER_AREA)
                flag = cv2.IMWRITE_WEBP_QUALITY if args.ext == "webp" else cv2.IMWRITE_JPEG_QUALITY
                cv2.imwrite(os.path.join(args.out, "images", iid + "." + args.ext), img,
                            [flag, args.quality])
            index.append(entry)
    with open(os.path.join(args.out, "index.json"), "w") as f:
        json.dump({"max_side": args.max_side, "quality": args.quality, "ext": args.ext, "images": index}, f)
    n_tr = sum(e["split"] == "train" for e in index)
    print(f"prepare_data: {len(index)} images ({n_tr} train, {len(index) - n_tr} val) -> {args.out}")


if __name__ == "__main__":
    main()
