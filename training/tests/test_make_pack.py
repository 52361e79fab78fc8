#!/usr/bin/env python3
"""Checks training/make_pack.py on a real checkpoint: the pack takes the template's input and
thresholds for known classes, --new-threshold for taught ones, and never the template's
`verifier` (trained for the template's detector, not the new one) or `label_quality`.

Usage: test_make_pack.py CKPT ONNX (a `street` checkpoint and its ONNX export)."""
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def main():
    ckpt, onnx = sys.argv[1], sys.argv[2]
    template = json.load(open(os.path.join(ROOT, "models", "manifest.json")))
    street = next(m for m in template["models"] if m["name"] == "street")
    street["verifier"] = {"file": "plate_verifier.onnx", "label": "plate", "width": 96, "height": 32}
    with tempfile.TemporaryDirectory() as tmp:
        tpl = os.path.join(tmp, "template.json")
        json.dump(template, open(tpl, "w"))
        out = os.path.join(tmp, "pack")
        subprocess.run([sys.executable, os.path.join(ROOT, "training", "make_pack.py"), "--ckpt", ckpt,
                        "--onnx", onnx, "--out", out, "--template", tpl, "--size", "256x160",
                        "--new-threshold", "0.25"], check=True)
        entry = json.load(open(os.path.join(out, "manifest.json")))["models"][0]
        assert "verifier" not in entry, "the template's plate verifier was copied into the new pack"
        assert not os.path.exists(os.path.join(out, "plate_verifier.onnx"))
        assert "label_quality" not in entry, "the template's label figures describe another model"
        assert (entry["input"]["width"], entry["input"]["height"]) == (256, 160), entry["input"]
        for label, t in entry["thresholds"].items():
            want = street["thresholds"].get(label, 0.25)
            assert t == want, (label, t, want)
        assert os.path.getsize(os.path.join(out, "street.onnx")) == os.path.getsize(onnx)
    print("make_pack test: OK")


if __name__ == "__main__":
    main()
