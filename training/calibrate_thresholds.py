#!/usr/bin/env python3
"""Chooses a detector label's operating threshold on data it was not trained on, and reports it
on data the choice did not see.

The manifest threshold of a label (models/manifest.json "thresholds") is the raw score that the
product calibrates to 0.5, the default `min_confidence` of a task's target: it is the label's
operating point. For each labelled set (a YOLO folder written by training/export_eval_sets.py from
the held-out validation split), the images are split by sorted file name into a tuning half and a
test half. For every candidate threshold the product itself (`tilsyn eval recognizer`, C++,
OpenCV DNN) scores the tuning half with a copy of the pack whose threshold for that label is the
candidate. The rule, fixed before looking at the test half: the candidate with the highest F1 on
the tuning half (ties: the higher threshold, fewer false findings). The test half is then scored at
the chosen threshold and at the pack's current one, and a table is printed.

Usage:
  python3 training/calibrate_thresholds.py --tilsyn build/bin/tilsyn --pack models --model street \\
      --set pothole=/tmp/es/street-pothole --set road_crack=/tmp/es/street-road_crack
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

IMAGE_EXT = (".jpg", ".jpeg", ".png", ".bmp")


def split_set(src, dst_root):
    """Symlinks the first half of the sorted label files (with their images) into tune/, the rest
    into test/. Returns (tune_dir, test_dir, n_tune, n_test)."""
    stems = sorted(f[:-4] for f in os.listdir(src) if f.endswith(".txt") and f not in ("classes.txt", "obj.names"))
    half = len(stems) // 2
    dirs = []
    for name, part in (("tune", stems[:half]), ("test", stems[half:])):
        d = os.path.join(dst_root, name)
        os.makedirs(d)
        for names in ("classes.txt", "obj.names"):
            if os.path.exists(os.path.join(src, names)):
                shutil.copy(os.path.join(src, names), d)
        for stem in part:
            os.symlink(os.path.realpath(os.path.join(src, stem + ".txt")), os.path.join(d, stem + ".txt"))
            for ext in IMAGE_EXT:
                p = os.path.join(src, stem + ext)
                if os.path.exists(p):
                    os.symlink(os.path.realpath(p), os.path.join(d, stem + ext))
                    break
        dirs.append(d)
    return dirs[0], dirs[1], half, len(stems) - half


def pack_with(pack_dir, model, label, threshold, dst):
    """A copy of the pack (manifest rewritten, model files linked) with `label`'s threshold."""
    with open(os.path.join(pack_dir, "manifest.json")) as f:
        manifest = json.load(f)
    os.makedirs(dst, exist_ok=True)
    for m in manifest["models"]:
        for key in ("file", "card"):
            if key not in m:
                continue
            link = os.path.join(dst, m[key])
            if not os.path.exists(link):
                os.symlink(os.path.realpath(os.path.join(pack_dir, m[key])), link)
        if m["name"] == model:
            m["thresholds"][label] = threshold
    with open(os.path.join(dst, "manifest.json"), "w") as f:
        json.dump(manifest, f)
    return dst


def evaluate(tilsyn, pack, model, label, images):
    out = subprocess.run(
        [tilsyn, "eval", "recognizer", "--labels", images, "--images", images, "--service", "opencv-dnn",
         "--settings", json.dumps({"pack": pack, "model": model}), "--min-score", "0.5", "--json"],
        check=True, capture_output=True, text=True).stdout
    for row in json.loads(out)["labels"]:
        if row["label"] == label:
            p, r = row["precision"], row["recall"]
            f1 = 2 * p * r / (p + r) if p + r > 0 else 0.0
            return {"precision": p, "recall": r, "f1": f1, "ap50": row["ap50"], "gt": row["ground_truth"],
                    "detections": row["detections"]}
    raise SystemExit(f"calibrate_thresholds: no row for {label} in {images}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tilsyn", default="build/bin/tilsyn")
    ap.add_argument("--pack", default="models")
    ap.add_argument("--model", default="street")
    ap.add_argument("--set", action="append", required=True, metavar="LABEL=DIR")
    ap.add_argument("--candidates", default="0.15,0.2,0.25,0.3,0.35,0.4,0.45,0.5,0.55,0.6")
    ap.add_argument("--json", action="store_true", help="print one JSON object instead of tables")
    args = ap.parse_args()
    candidates = [float(c) for c in args.candidates.split(",")]
    with open(os.path.join(args.pack, "manifest.json")) as f:
        current = {m["name"]: m for m in json.load(f)["models"]}[args.model]["thresholds"]
    report = {}
    with tempfile.TemporaryDirectory() as tmp:
        for spec in args.set:
            label, _, folder = spec.partition("=")
            if not folder or not os.path.isdir(folder):
                raise SystemExit(f"calibrate_thresholds: --set {spec}: not LABEL=FOLDER")
            tune, test, n_tune, n_test = split_set(folder, os.path.join(tmp, label))
            rows = []
            for i, t in enumerate(candidates):
                pack = pack_with(args.pack, args.model, label, t, os.path.join(tmp, f"pack-{label}-{i}"))
                rows.append(dict(threshold=t, **evaluate(args.tilsyn, pack, args.model, label, tune)))
                print(f"{label}: tuning t={t:.2f} F1={rows[-1]['f1']:.3f}", file=sys.stderr)
            best = max(rows, key=lambda r: (round(r["f1"], 6), r["threshold"]))
            now = current.get(label)
            test_rows = {}
            for name, t in (("current", now), ("chosen", best["threshold"])):
                pack = pack_with(args.pack, args.model, label, t, os.path.join(tmp, f"pack-{label}-{name}"))
                test_rows[name] = dict(threshold=t, **evaluate(args.tilsyn, pack, args.model, label, test))
            report[label] = {"images": {"tune": n_tune, "test": n_test}, "tuning": rows,
                             "chosen": best["threshold"], "test": test_rows}
    if args.json:
        print(json.dumps(report, indent=2))
        return
    for label, r in report.items():
        print(f"\n{label}: {r['images']['tune']} tuning / {r['images']['test']} test images; "
              f"chosen threshold {r['chosen']:.2f} (highest tuning F1)\n")
        print("| threshold | tune: precision | tune: recall | tune: F1 |")
        print("|---:|---:|---:|---:|")
        for row in r["tuning"]:
            mark = " **" if row["threshold"] == r["chosen"] else ""
            print(f"| {row['threshold']:.2f}{mark} | {row['precision']:.3f} | {row['recall']:.3f} | {row['f1']:.3f} |")
        print("\n| on the test half | threshold | gt | precision | recall | F1 | AP@0.5 |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        for name, row in r["test"].items():
            print(f"| {name} | {row['threshold']:.2f} | {row['gt']} | {row['precision']:.3f} | {row['recall']:.3f} | "
                  f"{row['f1']:.3f} | {row['ap50']:.3f} |")


if __name__ == "__main__":
    main()
