#!/usr/bin/env python3
"""A second look at the anonymizer's unsure plate boxes (issue 12: plate precision).

The privacy detector finds plates at a low threshold (privacy first), and at that threshold most
of its plate boxes are sign panels, shop signs and other lettered rectangles. The verifier is a
small classifier that looks again at each plate box below the manifest's `keep_above` score, at
the frame's own resolution (the detector sees it halved or less), and drops the box when it is
sure enough that it is not a plate. Boxes at or above `keep_above` are always blurred.

  mine    run detectors (ONNX, OpenCV) over the TRAINING images of the privacy sources and keep
          their plate boxes (>= --min-score) as crops: positive where a box overlaps a true plate
          (IoU >= 0.3), negative where it overlaps none (IoU < 0.1); the true plates themselves,
          jittered, as positives. Held-out images are never read.
  train   fit the classifier on those crops (CPU, PyTorch)
  export  write the ONNX the product runs (src/imaging/plate_verifier.cc)

The crop is the box grown by GROW of its size on each side, clipped to the frame, resized to
W x H (INTER_LINEAR), RGB, pixels / 255: src/imaging/plate_verifier.cc does exactly this.

Usage (local, /usr/bin/python3 with Debian python3-torch and python3-opencv):
  python3 training/plate_verifier.py mine --data training/.data --out training/.verifier \\
      --detector models/privacy.onnx:960x544:2 --detector /tmp/v22.onnx:1280x736:3
  python3 training/plate_verifier.py train --crops training/.verifier --out training/.verifier
  python3 training/plate_verifier.py export --ckpt training/.verifier/verifier.pt \\
      --out models/plate_verifier.onnx
"""
import argparse
import json
import os
import random
import sys
import time

import cv2
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import config  # noqa: E402
import evaluate  # noqa: E402

W, H = 96, 32
GROW = 0.15
PLATE = "license_plate"


def crop(img, box):
    """The verifier's input for box [x1, y1, x2, y2] (pixels) of a BGR frame: HxWx3 uint8 RGB."""
    x1, y1, x2, y2 = box
    gw, gh = (x2 - x1) * GROW, (y2 - y1) * GROW
    ih, iw = img.shape[:2]
    a = int(max(0, np.floor(x1 - gw)))
    b = int(max(0, np.floor(y1 - gh)))
    c = int(min(iw, np.ceil(x2 + gw)))
    d = int(min(ih, np.ceil(y2 + gh)))
    if c - a < 2 or d - b < 2:
        return None
    r = cv2.resize(img[b:d, a:c], (W, H), interpolation=cv2.INTER_LINEAR)
    return cv2.cvtColor(r, cv2.COLOR_BGR2RGB)


def grid_tiles(w, h, n):
    """The anonymizer's n x n tiles, neighbours overlapping by 20 % (dnn_region_detector.cc)."""
    tw = int(np.ceil(w / (n - (n - 1) * 0.2)))
    th = int(np.ceil(h / (n - (n - 1) * 0.2)))
    out = []
    for j in range(n):
        for i in range(n):
            x, y = (w - tw) * i // (n - 1), (h - th) * j // (n - 1)
            out.append((x, y, min(tw, w - x), min(th, h - y)))
    return out


def training_images(data):
    """(entry, true plate boxes in pixels or None where the source does not label plates)."""
    index = json.load(open(os.path.join(data, "index.json")))
    spec = config.MODELS["privacy"]
    for e in index["images"]:
        src = spec["sources"].get(e["source"])
        if src is None or not config.in_part(e, "train"):
            continue
        if PLATE in src["ignore"]:
            continue  # plates there are unlabelled: neither positives nor negatives
        yield e, src


def mine(args):
    rng = random.Random(12)
    dets = []
    for d in args.detector:
        path, size, nc = d.rsplit(":", 2)
        w_, h_ = (int(v) for v in size.split("x"))
        dets.append((evaluate.Runner("opencv", path, w_, h_), int(nc)))
    crops, labels, kinds = [], [], []
    n_img, t0 = 0, time.time()
    entries = list(training_images(args.data))
    shard, n_shards = (int(v) for v in args.shard.split("/"))
    entries = entries[shard::n_shards]
    if args.limit:
        entries = entries[: args.limit]
    for e, src in entries:
        img = cv2.imread(os.path.join(args.datasets, e["orig"]), cv2.IMREAD_COLOR)
        if img is None:
            continue
        ih, iw = img.shape[:2]
        gts = []
        for raw, cx, cy, bw, bh in config.kept_boxes(e):
            if src["map"].get(raw) == PLATE:
                gts.append([(cx - bw / 2) * iw, (cy - bh / 2) * ih, (cx + bw / 2) * iw,
                            (cy + bh / 2) * ih])
        for g in gts:  # the true plates, jittered: positives
            for _ in range(args.jitter):
                bw, bh = g[2] - g[0], g[3] - g[1]
                s = np.exp(rng.uniform(-0.15, 0.15))
                cx = (g[0] + g[2]) / 2 + rng.uniform(-0.1, 0.1) * bw
                cy = (g[1] + g[3]) / 2 + rng.uniform(-0.1, 0.1) * bh
                c = crop(img, [cx - bw * s / 2, cy - bh * s / 2, cx + bw * s / 2, cy + bh * s / 2])
                if c is not None:
                    crops.append(c), labels.append(1), kinds.append(0)
        for runner, nc in dets:
            found = [d for d in evaluate.detect(runner, img, nc, min_score=args.min_score)
                     if d[0] == 1]
            if args.tiles > 1:  # the product's tiles on demand: where the whole frame is unsure
                unsure = [((d[2] + d[4]) / 2, (d[3] + d[5]) / 2) for d in
                          evaluate.detect(runner, img, nc, min_score=args.tile_trigger)]
                for tx, ty, tw, th in grid_tiles(iw, ih, args.tiles):
                    if not any(tx <= x < tx + tw and ty <= y < ty + th for x, y in unsure):
                        continue
                    for c, sc, x1, y1, x2, y2 in evaluate.detect(runner, img[ty:ty + th, tx:tx + tw],
                                                                 nc, min_score=args.min_score):
                        if c == 1:
                            found.append((c, sc, x1 + tx, y1 + ty, x2 + tx, y2 + ty))
            for c, score, x1, y1, x2, y2 in sorted(found, key=lambda d: -d[1])[: args.per_image]:
                best = max((evaluate.iou([x1, y1, x2, y2], g) for g in gts), default=0.0)
                if 0.1 <= best < 0.3:
                    continue
                k = crop(img, [x1, y1, x2, y2])
                if k is None:
                    continue
                crops.append(k), labels.append(1 if best >= 0.3 else 0), kinds.append(1)
        n_img += 1
        if n_img % 200 == 0:
            print(f"mine: {n_img}/{len(entries)} images, {sum(labels)} positive, "
                  f"{len(labels) - sum(labels)} negative crops, {time.time() - t0:.0f}s", flush=True)
    os.makedirs(args.out, exist_ok=True)
    np.savez_compressed(os.path.join(args.out, f"crops-{shard}-of-{n_shards}.npz"), x=np.stack(crops),
                        y=np.array(labels, np.uint8), kind=np.array(kinds, np.uint8))
    print(f"mine: {n_img} images -> {len(labels)} crops ({sum(labels)} positive) in {args.out}")


def net(torch):
    nn = torch.nn

    def block(i, o):
        return nn.Sequential(nn.Conv2d(i, o, 3, padding=1, bias=False), nn.BatchNorm2d(o),
                             nn.ReLU(inplace=True))
    return nn.Sequential(block(3, 16), nn.MaxPool2d(2), block(16, 32), nn.MaxPool2d(2),
                         block(32, 48), block(48, 48), nn.MaxPool2d(2), block(48, 64),
                         nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, 1))


def train(args):
    import torch
    torch.manual_seed(args.seed)
    parts = [np.load(os.path.join(args.crops, f)) for f in sorted(os.listdir(args.crops))
             if f.startswith("crops-") and f.endswith(".npz")]
    x = torch.from_numpy(np.concatenate([z["x"] for z in parts])).permute(0, 3, 1, 2).float() / 255.0
    y = torch.from_numpy(np.concatenate([z["y"] for z in parts])).float()
    n = len(y)
    perm = torch.randperm(n)
    hold = perm[: n // 10]  # a tenth of the crops for a sanity check, not for choosing
    fit = perm[n // 10:]
    model = net(torch)
    opt = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=1e-4)
    pos = float(y[fit].sum())
    w_pos = (len(fit) - pos) / max(1.0, pos)
    steps = args.epochs * (len(fit) // args.batch)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, 2e-3, total_steps=steps)
    g = torch.Generator().manual_seed(args.seed)
    step = 0
    for ep in range(args.epochs):
        model.train()
        order = fit[torch.randperm(len(fit), generator=g)]
        for i in range(0, len(order) - args.batch + 1, args.batch):
            idx = order[i:i + args.batch]
            xb, yb = x[idx].clone(), y[idx]
            b = len(idx)
            xb = xb * torch.empty(b, 1, 1, 1).uniform_(0.6, 1.4, generator=g) + \
                torch.empty(b, 1, 1, 1).uniform_(-0.15, 0.15, generator=g)
            flip = torch.rand(b, generator=g) < 0.5
            xb[flip] = xb[flip].flip(3)
            grey = torch.rand(b, generator=g) < 0.15
            xb[grey] = xb[grey].mean(1, keepdim=True).expand(-1, 3, -1, -1)
            blur = torch.rand(b, generator=g) < 0.3
            if blur.any():
                k = torch.ones(3, 1, 1, 5) / 5
                xb[blur] = torch.nn.functional.conv2d(
                    torch.nn.functional.pad(xb[blur], (2, 2, 0, 0), mode="replicate"), k, groups=3)
            xb = xb.clamp(0, 1)
            logit = model(xb).squeeze(1)
            loss = torch.nn.functional.binary_cross_entropy_with_logits(
                logit, yb, pos_weight=torch.tensor(w_pos))
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            step += 1
        model.eval()
        with torch.no_grad():
            p = torch.sigmoid(torch.cat([model(x[hold[i:i + 512]]).squeeze(1)
                                         for i in range(0, len(hold), 512)]))
        yh = y[hold]
        rec = float(((p >= 0.5) & (yh == 1)).sum() / max(1, int(yh.sum())))
        rej = float(((p < 0.5) & (yh == 0)).sum() / max(1, int((yh == 0).sum())))
        print(f"train: epoch {ep + 1}/{args.epochs} loss {float(loss):.3f} held crops: plates kept "
              f"{rec:.3f}, non-plates dropped {rej:.3f}", flush=True)
    os.makedirs(args.out, exist_ok=True)
    torch.save({"model": model.state_dict(), "w": W, "h": H, "grow": GROW, "crops": n,
                "positives": int(y.sum()), "epochs": args.epochs, "seed": args.seed},
               os.path.join(args.out, "verifier.pt"))
    print(f"train: saved {os.path.join(args.out, 'verifier.pt')}")


def export(args):
    import torch
    ck = torch.load(args.ckpt, map_location="cpu")
    model = net(torch)
    model.load_state_dict(ck["model"])
    model.eval()
    wrapped = torch.nn.Sequential(model, torch.nn.Sigmoid())
    torch.onnx.export(wrapped, torch.zeros(1, 3, H, W), args.out, opset_version=11,
                      input_names=["crop"], output_names=["plate"])
    print(f"export: {args.out} ({os.path.getsize(args.out)} bytes)")


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("mine")
    m.add_argument("--data", default="training/.data")
    m.add_argument("--datasets", default=config.DATASET_ROOT_DEFAULT)
    m.add_argument("--out", default="training/.verifier")
    m.add_argument("--detector", action="append", required=True,
                   help="ONNX:WxH:CLASSES of a privacy model, plate = class 1 (repeatable)")
    m.add_argument("--min-score", type=float, default=0.08)
    m.add_argument("--per-image", type=int, default=20, help="a detector's best plate boxes kept")
    m.add_argument("--jitter", type=int, default=6)
    m.add_argument("--limit", type=int, default=0)
    m.add_argument("--shard", default="0/1", help="K/N: every N-th image from the K-th")
    m.add_argument("--tiles", type=int, default=2, help="the manifest's tile_grid (1: none)")
    m.add_argument("--tile-trigger", type=float, default=0.12)
    t = sub.add_parser("train")
    t.add_argument("--crops", default="training/.verifier")
    t.add_argument("--out", default="training/.verifier")
    t.add_argument("--epochs", type=int, default=12)
    t.add_argument("--batch", type=int, default=128)
    t.add_argument("--seed", type=int, default=7)
    x = sub.add_parser("export")
    x.add_argument("--ckpt", required=True)
    x.add_argument("--out", required=True)
    args = ap.parse_args()
    {"mine": mine, "train": train, "export": export}[args.cmd](args)


if __name__ == "__main__":
    main()
