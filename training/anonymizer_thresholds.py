#!/usr/bin/env python3
"""Chooses the anonymizer's per-class thresholds of a candidate `privacy` pack on the tuning half
of the held-out split, and reports both the current pack and the candidate on the test half,
which no training run and no choice has seen (config.part_of).

Everything is measured through the product: `tilsyn eval anonymizer --detectors default-pack`
with TILSYN_MODEL_DIR pointing at a copy of the pack whose manifest carries the candidate
threshold — exactly what the server and the agent run (whole frame, the manifest's tiles, 15 %
margin, person_mode head). Recall counts a labelled box found by a detection of its class with
IoU >= 0.3; TBA is the share of labelled pixels blurred (by any class).

The rule, fixed before the test half is scored: privacy first. For face and plate, the highest
candidate whose tuning recall is at least the current pack's tuning recall (so the new default
does not blur less of what the old one blurred); where none reaches it, the candidate with the
highest tuning recall (ties: higher threshold). For person (new: no current figure), the highest
candidate with tuning recall >= --person-recall.

Usage:
  python3 training/export_eval_sets.py --part tune --out /tmp/es-tune
  python3 training/export_eval_sets.py --part test --out /tmp/es-test
  python3 training/anonymizer_thresholds.py --candidate /tmp/pack-v2 --current models \\
      --tune /tmp/es-tune --test /tmp/es-test
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

CLASSES = ("face", "plate", "person")
MANIFEST_LABEL = {"plate": "plate"}  # product names; the manifest maps license_plate -> plate


def pack_copy(pack_dir, thresholds, dst):
    """A copy of the pack (model files linked) with the privacy model's thresholds replaced."""
    with open(os.path.join(pack_dir, "manifest.json")) as f:
        manifest = json.load(f)
    os.makedirs(dst, exist_ok=True)
    for m in manifest["models"]:
        files = [m[k] for k in ("file", "card") if k in m]
        files += [m["verifier"]["file"]] if "verifier" in m else []
        for rel in files:
            if not os.path.exists(os.path.join(dst, rel)):
                os.symlink(os.path.realpath(os.path.join(pack_dir, rel)), os.path.join(dst, rel))
        if m["name"] == "privacy":
            m["thresholds"].update({k: v for k, v in thresholds.items() if k != "verifier"})
            if "verifier" in thresholds and "verifier" in m:
                m["verifier"]["threshold"] = thresholds["verifier"]
    with open(os.path.join(dst, "manifest.json"), "w") as f:
        json.dump(manifest, f)
    return dst


def thresholds_of(pack_dir):
    with open(os.path.join(pack_dir, "manifest.json")) as f:
        return {m["name"]: m for m in json.load(f)["models"]}["privacy"]["thresholds"]


def evaluate(tilsyn, pack, folder):
    env = dict(os.environ, TILSYN_MODEL_DIR=os.path.abspath(pack))
    out = subprocess.run([tilsyn, "eval", "anonymizer", "--labels", folder, "--images", folder,
                          "--detectors", "default-pack", "--json"],
                         check=True, capture_output=True, text=True, env=env).stdout
    return json.loads(out)


def row(result, cls, size=None):
    c = result["classes"][cls]
    if size:
        c = c["by_size"][size]
    return c


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tilsyn", default="build/bin/tilsyn")
    ap.add_argument("--candidate", required=True, help="pack folder of the new privacy model")
    ap.add_argument("--current", default="models", help="pack folder of the current default")
    ap.add_argument("--tune", required=True, help="export_eval_sets.py --part tune folder")
    ap.add_argument("--test", required=True, help="export_eval_sets.py --part test folder")
    ap.add_argument("--candidates", default="0.15,0.2,0.25,0.3,0.35,0.4,0.45,0.5,0.55,0.6")
    ap.add_argument("--person-recall", type=float, default=0.8)
    ap.add_argument("--verifier-candidates", default="",
                    help="thresholds to try for the candidate's plate verifier, e.g. 0.1,0.2,0.3")
    ap.add_argument("--json", default="", help="write the whole report here")
    args = ap.parse_args()
    cands = [float(c) for c in args.candidates.split(",")]
    classes = [c for c in CLASSES if os.path.isdir(os.path.join(args.tune, c))]
    base = thresholds_of(args.candidate)
    report = {"tuning": {}, "chosen": {}, "test": {}}
    with tempfile.TemporaryDirectory() as tmp:
        chosen = {}
        for cls in classes:
            folder = os.path.join(args.tune, cls)
            target = None
            if cls != "person":
                target = row(evaluate(args.tilsyn, args.current, folder), cls)["recall"]
            rows = []
            for i, t in enumerate(cands):
                pack = pack_copy(args.candidate, dict(base, **{cls: t}), os.path.join(tmp, f"{cls}{i}"))
                r = row(evaluate(args.tilsyn, pack, folder), cls)
                rows.append({"threshold": t, "recall": r["recall"] or 0.0, "precision": r["precision"],
                             "tba": r["tba"]})
                print(f"{cls}: tune t={t:.2f} recall={rows[-1]['recall']:.3f} precision={r['precision'] or 0:.3f}",
                      file=sys.stderr)
            need = target if target is not None else args.person_recall
            ok = [r for r in rows if r["recall"] >= need - 1e-9]
            pick = max(ok, key=lambda r: r["threshold"]) if ok else \
                max(rows, key=lambda r: (r["recall"], r["threshold"]))
            chosen[cls] = pick["threshold"]
            report["tuning"][cls] = {"target_recall": need, "rows": rows}
        if args.verifier_candidates and "plate" in classes:
            # The plate verifier's threshold, with the plate threshold just chosen: the same
            # rule (the highest that keeps the current pack's tuning recall).
            folder = os.path.join(args.tune, "plate")
            need = report["tuning"]["plate"]["target_recall"]
            rows = []
            for i, t in enumerate(float(c) for c in args.verifier_candidates.split(",")):
                pack = pack_copy(args.candidate, dict(base, **chosen, verifier=t),
                                 os.path.join(tmp, f"verifier{i}"))
                r = row(evaluate(args.tilsyn, pack, folder), "plate")
                rows.append({"threshold": t, "recall": r["recall"] or 0.0,
                             "precision": r["precision"], "tba": r["tba"]})
                print(f"verifier: tune t={t:.2f} recall={rows[-1]['recall']:.3f} "
                      f"precision={r['precision'] or 0:.3f}", file=sys.stderr)
            ok = [r for r in rows if r["recall"] >= need - 1e-9]
            pick = max(ok, key=lambda r: r["threshold"]) if ok else \
                max(rows, key=lambda r: (r["recall"], -r["threshold"]))
            chosen["verifier"] = pick["threshold"]
            report["tuning"]["verifier"] = {"target_recall": need, "rows": rows}
        report["chosen"] = chosen
        final = pack_copy(args.candidate, dict(base, **chosen), os.path.join(tmp, "final"))
        for name, pack in (("current", args.current), ("candidate", final)):
            report["test"][name] = {cls: evaluate(args.tilsyn, pack, os.path.join(args.test, cls))
                                    for cls in classes}
    if args.json:
        with open(args.json, "w") as f:
            json.dump(report, f, indent=1)
    print(f"chosen on the tuning half: {json.dumps(report['chosen'])}")
    print("\n| test half | class | gt | recall | precision | TBA | small: recall / TBA | "
          "medium: recall / TBA | large: recall / TBA |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    pct = lambda v: "–" if v is None else f"{100 * v:.1f}"
    for name in ("current", "candidate"):
        for cls in classes:
            res = report["test"][name][cls]
            a = row(res, cls)
            sizes = " | ".join(f"{pct(row(res, cls, s)['recall'])} / {pct(row(res, cls, s)['tba'])}"
                               for s in ("small", "medium", "large"))
            print(f"| {name} | {cls} | {a['ground_truth']} | {pct(a['recall'])} | "
                  f"{pct(a['precision'])} | {pct(a['tba'])} | {sizes} |")


if __name__ == "__main__":
    main()
