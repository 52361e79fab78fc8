#!/usr/bin/env python3
"""Writes the validation split as YOLO folders for the product's own evaluators, so that
`tilsyn eval anonymizer` / `tilsyn eval recognizer` (C++, OpenCV 4.6) score the same images and
boxes as training/evaluate.py (PyTorch / python3-opencv):

  <out>/face/    the privacy validation images whose source labels faces     (classes: face)
  <out>/plate/   the privacy validation images whose source labels plates    (classes: plate)
  <out>/person/  the privacy validation images with the teacher's person boxes
                 (training/pseudo_label.py; its unsure boxes cannot be written as YOLO ignore
                 regions, so detections there count against precision)  (classes: person)
  <out>/street-<label>/  for each street label, the street sources that label it (all street
                 classes written, under the product's names: plate, not license_plate); read that
                 label's row of `tilsyn eval recognizer` on it

Each folder holds `<stem>.txt` + a symbolic link `<stem>.jpg` to the original in ../shared/datasets
(nothing is copied). Boxes listed in config.ERRATA are left out, as in training and evaluate.py.
Classes a source does not label (config `ignore`) cannot be expressed in YOLO files, so a set for
one class leaves out the sources that ignore it (their objects would count as false positives).

Usage: python3 training/export_eval_sets.py --data training/.data --datasets ../shared/datasets --out DIR
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import config  # noqa: E402

# Product label names (models/manifest.json label_map).
PRODUCT_NAME = {"license_plate": "plate"}


def write_set(out, name, entries, spec, classes, persons=None):
    d = os.path.join(out, name)
    os.makedirs(d, exist_ok=True)
    product = [PRODUCT_NAME.get(c, c) for c in classes]
    with open(os.path.join(d, "classes.txt"), "w") as f:
        f.write("\n".join(product) + "\n")
    n_img = n_box = 0
    for e, datasets in entries:
        src = spec["sources"][e["source"]]
        lines = []
        for raw, cx, cy, bw, bh in config.kept_boxes(e):
            m = src["map"].get(raw)
            if m in classes:
                lines.append(f"{classes.index(m)} {cx:.6f} {cy:.6f} {bw:.6f} {bh:.6f}")
        if persons is not None:
            for cx, cy, bw, bh, _ in persons[f"{e['source']}/{e['stem']}"]["person"]:
                lines.append(f"{classes.index('person')} {cx:.6f} {cy:.6f} {bw:.6f} {bh:.6f}")
        stem = e["id"]
        link = os.path.join(d, stem + ".jpg")
        if os.path.lexists(link):
            os.remove(link)
        os.symlink(os.path.abspath(os.path.join(datasets, e["orig"])), link)
        with open(os.path.join(d, stem + ".txt"), "w") as f:
            f.write("\n".join(lines) + ("\n" if lines else ""))
        n_img += 1
        n_box += len(lines)
    print(f"{name}: {n_img} images, {n_box} boxes -> {d}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="training/.data")
    ap.add_argument("--datasets", default=config.DATASET_ROOT_DEFAULT)
    ap.add_argument("--out", required=True)
    ap.add_argument("--part", default="val", choices=["val", "tune", "test"],
                    help="held-out images: all, the tuning half or the test half (config.part_of)")
    args = ap.parse_args()
    index = json.load(open(os.path.join(args.data, "index.json")))
    val = [e for e in index["images"] if config.in_part(e, args.part)]

    priv = config.MODELS["privacy"]
    for cls in ("face", "license_plate"):
        chosen = []
        for e in val:
            src = priv["sources"].get(e["source"])
            if src is None or cls in src["ignore"]:
                continue
            chosen.append((e, args.datasets))  # the images evaluate.py scores for `cls`
        write_set(args.out, PRODUCT_NAME.get(cls, cls), chosen, priv, [cls])
    ppath = os.path.join(args.data, priv.get("persons", ""))
    if "person" in priv["classes"] and os.path.isfile(ppath):
        persons = json.load(open(ppath))["images"]
        chosen = [(e, args.datasets) for e in val if e["source"] in priv["sources"]
                  and f"{e['source']}/{e['stem']}" in persons]
        write_set(args.out, "person", chosen, priv, ["person"], persons)

    street = config.MODELS["street"]
    for cls in street["classes"]:
        chosen = [(e, args.datasets) for e in val if e["source"] in street["sources"]
                  and cls not in street["sources"][e["source"]]["ignore"]]
        write_set(args.out, "street-" + PRODUCT_NAME.get(cls, cls), chosen, street, street["classes"])


if __name__ == "__main__":
    main()
