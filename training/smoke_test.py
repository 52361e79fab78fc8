#!/usr/bin/env python3
"""CPU smoke test of the training pipeline (registered in CTest as training_smoke).

Runs the real code path for a few steps: prepare_data.py on a handful of images per source (from
../shared/datasets, or synthetic images with boxes when that folder is absent), train.py for 3
steps per model at a small size, the augmentation geometry check, export_onnx.py (OpenCV 4.6
must load the graph and agree with PyTorch) and evaluate.py on the exported model.
Exits 0 with a SKIP message when Debian's python3-torch / python3-opencv are not installed.
"""
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def have_deps():
    try:
        import cv2  # noqa: F401
        import onnx  # noqa: F401
        import torch  # noqa: F401
        return True
    except ImportError as e:
        print(f"SKIP training smoke test: {e} (apt-get install python3-torch python3-opencv python3-onnx)")
        return False


def synth_datasets(root):
    """A few synthetic images per configured source: bright rectangles as objects."""
    import cv2
    import numpy as np
    sys.path.insert(0, HERE)
    import config
    rng = np.random.default_rng(0)
    names = {"privacy": ["face", "person"], "license_plates": ["license_plate", "vehicle"],
             "road_damage": ["pothole", "longitudinal_crack", "transverse_crack", "alligator_crack"],
             "traffic_signs": ["speed_limit_sign", "stop_sign", "crosswalk_sign", "traffic_light"]}
    sources = sorted({s for m in config.MODELS.values() for s in m["sources"]})
    for src in sources:
        d = os.path.join(root, src)
        os.makedirs(os.path.join(d, "images"))
        os.makedirs(os.path.join(d, "labels"))
        cls = names[src.split("/")[0]]
        open(os.path.join(d, "classes.txt"), "w").write("\n".join(cls) + "\n")
        for i in range(8):
            img = rng.integers(0, 120, (240, 320, 3), dtype=np.uint8)
            lines = []
            for _ in range(2):
                c = int(rng.integers(0, len(cls)))
                w, h = int(rng.integers(12, 80)), int(rng.integers(12, 80))
                x, y = int(rng.integers(0, 320 - w)), int(rng.integers(0, 240 - h))
                img[y:y + h, x:x + w] = 200 + 20 * c % 55
                lines.append(f"{c} {(x + w / 2) / 320:.6f} {(y + h / 2) / 240:.6f} {w / 320:.6f} {h / 240:.6f}")
            cv2.imwrite(os.path.join(d, "images", f"s{i}.jpg"), img)
            open(os.path.join(d, "labels", f"s{i}.txt"), "w").write("\n".join(lines) + "\n")


def run(*args):
    print("+", " ".join(args), flush=True)
    subprocess.run([sys.executable, *args], check=True, cwd=ROOT)


def main():
    if not have_deps():
        return 0
    datasets = os.path.join(os.path.dirname(ROOT), "shared", "datasets")
    with tempfile.TemporaryDirectory() as tmp:
        if not os.path.isdir(datasets) or os.environ.get("TILSYN_SMOKE_SYNTHETIC"):
            print("no ../shared/datasets: using synthetic images")
            datasets = os.path.join(tmp, "datasets")
            synth_datasets(datasets)
        data = os.path.join(tmp, "data")
        run(os.path.join(HERE, "prepare_data.py"), "--datasets", datasets, "--out", data,
            "--limit", "6", "--max-side", "160")
        assert json.load(open(os.path.join(data, "index.json")))["images"], "empty index"
        run(os.path.join(HERE, "tests", "test_augment.py"))
        # the teacher's persons (pseudo_label.py needs ../shared/models): one label and one ignore
        # region per image, and the face-implied regions the real run adds
        sys.path.insert(0, HERE)
        import pseudo_label
        index = json.load(open(os.path.join(data, "index.json")))["images"]
        persons = {}
        for e in index:
            p, ign = [[0.5, 0.6, 0.2, 0.5, 0.9]], [[0.2, 0.3, 0.1, 0.3, 0.3]]
            pseudo_label.faces_imply_persons(e, p, ign)
            persons[f"{e['source']}/{e['stem']}"] = {"person": p, "ignore": ign}
        json.dump({"teacher": {}, "images": persons}, open(os.path.join(data, "persons.json"), "w"))
        # and its vehicles for `street`, on the sources that do not label vehicles themselves
        vehicles = {f"{e['source']}/{e['stem']}": {"vehicle": [[0.3, 0.6, 0.2, 0.15, 0.8]],
                                                   "ignore": [[0.7, 0.6, 0.05, 0.04, 0.2]]}
                    for e in index}
        json.dump({"teacher": {}, "images": vehicles}, open(os.path.join(data, "vehicles.json"), "w"))
        import config
        import train
        recs, classes = train.load_split(data, "street")
        v = classes.index("vehicle")
        for r in recs:  # the teacher's boxes exactly where the source's own labels lack vehicles
            own = config.labels_class(config.MODELS["street"]["sources"][r["entry"]["source"]], "vehicle")
            boxes = train.to_boxes(r, classes, 100, 100)
            taught = any(b[0] == v for b in boxes) and any(b[0] == -1 - v for b in boxes)
            assert taught != own, (r["entry"]["source"], boxes)
            assert own or v not in r["ignore"], (r["entry"]["source"], r["ignore"])
        for model in ("privacy", "street"):
            run(os.path.join(HERE, "train.py"), "--model", model, "--data", data, "--out", tmp,
                "--steps", "3", "--batch", "4", "--size", "128", "--seed", "1")
        # stage 2 of privacy: fine-tuning from stage 1 with the sign photos as negatives
        ft = os.path.join(tmp, "ft")
        run(os.path.join(HERE, "train.py"), "--model", "privacy", "--data", data, "--out", ft,
            "--init", os.path.join(tmp, "privacy.pt"), "--finetune", "--steps", "2", "--batch", "4",
            "--size", "128", "--seed", "1", "--lr", "5e-4")
        assert os.path.exists(os.path.join(ft, "privacy.pt")), "fine-tuned checkpoint missing"
        # the v2 architecture for one pass at a high input size, exported and run by OpenCV
        fast = os.path.join(tmp, "fast")
        run(os.path.join(HERE, "train.py"), "--model", "privacy", "--data", data, "--out", fast,
            "--arch", "fast", "--width", "1.0", "--steps", "2", "--batch", "4", "--size", "128")
        # a run longer than one device call: stopped after its first steps, then resumed
        import torch
        ck = torch.load(os.path.join(fast, "privacy.pt"), map_location="cpu", weights_only=False)
        assert (ck["steps"], ck["total"]) == (2, 2), (ck["steps"], ck["total"])
        half = os.path.join(tmp, "half")
        run(os.path.join(HERE, "train.py"), "--model", "privacy", "--data", data, "--out", half,
            "--arch", "fast", "--width", "1.0", "--steps", "4", "--max-seconds", "1e-9",
            "--batch", "4", "--size", "128")
        ck = torch.load(os.path.join(half, "privacy.pt"), map_location="cpu", weights_only=False)
        assert (ck["steps"], ck["total"]) == (1, 4), (ck["steps"], ck["total"])
        run(os.path.join(HERE, "train.py"), "--model", "privacy", "--data", data, "--out", half,
            "--arch", "fast", "--width", "1.0", "--resume", os.path.join(half, "privacy.pt"),
            "--batch", "4", "--size", "128")
        ck = torch.load(os.path.join(half, "privacy.pt"), map_location="cpu", weights_only=False)
        assert (ck["steps"], ck["total"]) == (4, 4), (ck["steps"], ck["total"])
        run(os.path.join(HERE, "export_onnx.py"), "--ckpt", os.path.join(fast, "privacy.pt"),
            "--out", os.path.join(fast, "privacy.onnx"), "--size", "320x192")
        onnx_path = os.path.join(tmp, "street.onnx")
        run(os.path.join(HERE, "export_onnx.py"), "--ckpt", os.path.join(tmp, "street.pt"),
            "--out", onnx_path, "--size", "256x160")
        run(os.path.join(HERE, "tests", "test_make_pack.py"), os.path.join(tmp, "street.pt"), onnx_path)
        # evaluate.py runs the exported size from config; check it on a tiny export instead.
        sys.path.insert(0, HERE)
        import cv2
        import evaluate
        r = evaluate.Runner("opencv", onnx_path, 256, 160)
        img = cv2.imread(os.path.join(datasets, "traffic_signs", os.listdir(os.path.join(datasets, "traffic_signs"))[0],
                                      "images", sorted(os.listdir(os.path.join(datasets, "traffic_signs", os.listdir(os.path.join(datasets, "traffic_signs"))[0], "images")))[0]))
        dets = evaluate.detect(r, img, 6)
        assert all(0 <= d[0] < 6 for d in dets)
        ap, n = evaluate.average_precision([([(0, 0, 0, 10, 10)], [(0, 0.9, 0, 0, 10, 10)], set())], 0)
        assert ap == 1.0 and n == 1, (ap, n)
    print("training smoke test: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
