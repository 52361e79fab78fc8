#!/usr/bin/env python3
"""Trains one TilsynDet model (training/detector.py) on the folder made by prepare_data.py.

All training images are decoded once into (GPU) memory; augmentation runs on the device in
batches: random scale (log-uniform, zoom-out for small objects), random placement/crop,
horizontal flip, 2x2 mosaic (half the batch), brightness/contrast/saturation jitter, grey,
Gaussian blur, motion blur (per model), noise; images drawn by per-source weight. Targets: FCOS-style centre sampling per pyramid level (by box size),
ambiguous cells to the smallest box; losses: sigmoid focal loss per class (classes a source
does not label are ignored for its images) + GIoU on decoded boxes. AdamW, warm-up + cosine,
EMA weights (saved). Deterministic split (prepare_data.py) and seeded sampling.

Usage (GPU): python3 training/train.py --model privacy --data training/.data --minutes 7 --out runs
Smoke (CPU): python3 training/train.py --model street --data DIR --steps 3 --batch 4 --size 128
"""
import argparse
import json
import math
import os
import random
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import config  # noqa: E402
import detector  # noqa: E402

CANVAS = 512  # stored images have longer side <= 480 (prepare_data --max-side)
LEVEL_RANGES = ((0, 64), (40, 160), (112, 1e9))  # max box side (px) handled by strides 8/16/32
MAX_BOXES = 160


# Classes whose labels come from a COCO teacher (training/pseudo_label.py) on the sources that do
# not label them: class -> the model spec's key naming the teacher's file in the data folder.
PSEUDO = {"person": "persons", "vehicle": "vehicles"}


def load_pseudo(data_dir, spec, classes):
    """{class: the teacher's boxes by "<source>/<stem>"} for the model's teacher-labelled classes.
    Without the file the class stays ignored on the sources that do not label it."""
    out = {}
    for c, key in PSEUDO.items():
        if c not in classes or key not in spec:
            continue
        path = os.path.join(data_dir, spec[key])
        if not os.path.exists(path):
            print(f"warning: {path} missing (training/pseudo_label.py --target {c}): {c} is not "
                  "learnt from the teacher", flush=True)
            out[c] = {}
        else:
            out[c] = json.load(open(path))["images"]
    return out


def load_split(data_dir, model_name, split="train", finetune=False, drop=(), extra=(),
               extra_weight=3.0):
    """(records, class names): records have image path, boxes [[cls, x1, y1, x2, y2] px], ignore.
    Sources marked "finetune" are used only when `finetune` is set. `drop` removes classes from
    the model (their boxes become background: a model that never knew them). `extra` are folders
    written by `tilsyn dataset export` (the city's own labelled images, docs/teach.md): their
    classes are appended to the model's, the configured sources ignore those new classes (they do
    not label them), and the export's images ignore every class the inspectors did not label.
    The teacher's labels (load_pseudo: persons, vehicles) are added to the images of the sources
    that do not label the class themselves; its unsure boxes are ignore regions (boxes with class
    -1 - c); where the teacher did not look, such a source ignores the class."""
    spec = config.MODELS[model_name]
    classes = [c for c in spec["classes"] if c not in drop]
    extra_sets = [read_export(d) for d in extra]
    new = []
    for names, _ in extra_sets:
        new += [c for c in names if c not in classes and c not in new]
    classes = classes + new
    pseudo = load_pseudo(data_dir, spec, classes)
    index = json.load(open(os.path.join(data_dir, "index.json")))
    ext = index.get("ext", "jpg")
    recs = []
    for e in index["images"]:
        if not config.in_part(e, split) or e["source"] not in spec["sources"]:
            continue
        src = spec["sources"][e["source"]]
        if src.get("finetune") and not finetune:
            continue
        cmap = {k: (None if v in drop else v) for k, v in src["map"].items()}
        ignore = [c for c in src["ignore"] if c in classes] + new
        rec = {"path": os.path.join(data_dir, "images", e["id"] + "." + ext), "entry": e,
               "map": cmap, "weight": float(src.get("weight", 1.0))}
        for c, table in pseudo.items():
            if config.labels_class(src, c):
                continue
            p = table.get(f"{e['source']}/{e['stem']}")
            if p is None:
                ignore = ignore + [c] if c not in ignore else ignore
            else:
                ignore = [x for x in ignore if x != c]  # the teacher labelled it here
                rec[c] = [b[:4] for b in p[c]]
                rec[c + "_ignore"] = [b[:4] for b in p["ignore"]]
        rec["ignore"] = [classes.index(c) for c in ignore]
        recs.append(rec)
    for names, items in extra_sets:
        if split != "train":
            break
        for path, entry in items:
            recs.append({"path": path, "entry": entry,
                         "ignore": [i for i, c in enumerate(classes) if c not in names],
                         "map": {c: c for c in names}, "weight": extra_weight})
    return recs, classes


def read_export(folder):
    """(class names, [(image path, entry)]) of the train split of a `tilsyn dataset export`."""
    names = [l.strip() for l in open(os.path.join(folder, "classes.txt")) if l.strip()]
    items = []
    idir, ldir = os.path.join(folder, "images", "train"), os.path.join(folder, "labels", "train")
    for f in sorted(os.listdir(idir)):
        if not f.endswith(".jpg"):
            continue
        stem = f[:-4]
        boxes = []
        for line in open(os.path.join(ldir, stem + ".txt")):
            p = line.split()
            if len(p) == 5:
                boxes.append([names[int(p[0])]] + [float(v) for v in p[1:]])
        items.append((os.path.join(idir, f), {"source": "export:" + folder, "stem": stem,
                                              "boxes": boxes}))
    if not items:
        raise SystemExit(f"--extra-yolo {folder}: no training images")
    return names, items


def read_rgb(path, max_side):
    """uint8 tensor [3, h, w] (RGB), shrunk so that its longer side is at most max_side: with
    OpenCV where it is installed (INTER_AREA), else with torchvision (antialiased bilinear),
    which is what a GPU machine without OpenCV has."""
    try:
        import cv2
    except ImportError:
        cv2 = None
    if cv2 is not None:
        im = cv2.imread(path)
        if im is None:
            raise SystemExit(f"cannot read {path}")
        h, w = im.shape[:2]
        s = min(1.0, max_side / max(h, w))
        if s < 1:
            im = cv2.resize(im, (int(w * s), int(h * s)), interpolation=cv2.INTER_AREA)
        return torch.from_numpy(im[:, :, ::-1].copy()).permute(2, 0, 1)
    from torchvision.io import ImageReadMode, decode_image, read_file
    im = decode_image(read_file(path), mode=ImageReadMode.RGB)
    h, w = im.shape[1:]
    s = min(1.0, max_side / max(h, w))
    if s < 1:
        im = F.interpolate(im[None].float(), size=(int(h * s), int(w * s)), mode="bilinear",
                           antialias=True, align_corners=False)[0].round().clamp(0, 255).byte()
    return im


def to_boxes(rec, classes, w, h):
    """[[cls, x1, y1, x2, y2]] in pixels: labels first, then the teacher's boxes (persons,
    vehicles), then its ignore regions (cls = -1 - c)."""
    def px(c, cx, cy, bw, bh):
        return [c, (cx - bw / 2) * w, (cy - bh / 2) * h, (cx + bw / 2) * w, (cy + bh / 2) * h]
    out = []
    for name, cx, cy, bw, bh in config.kept_boxes(rec["entry"]):
        mapped = rec["map"].get(name)
        if mapped is None:
            continue
        out.append(px(classes.index(mapped), cx, cy, bw, bh))
    for name in PSEUDO:
        if name in classes:
            c = classes.index(name)
            out += [px(c, *b) for b in rec.get(name, [])]
            out += [px(-1 - c, *b) for b in rec.get(name + "_ignore", [])]
    return out


class GpuData:
    def __init__(self, recs, classes, device, scale_range=config.DEFAULT_SCALE_RANGE,
                 motion_blur=config.DEFAULT_MOTION_BLUR, head_blur=0.0):
        n = len(recs)
        self.scale_range, self.motion_blur, self.head_blur = scale_range, motion_blur, head_blur
        self.person = classes.index("person") if "person" in classes else -1
        self.face = classes.index("face") if "face" in classes else -1
        w = torch.tensor([r.get("weight", 1.0) for r in recs])
        # None = uniform sampling (the draw used before per-source weights existed)
        self.weights = None if bool((w == w[0]).all()) else (w / w.sum()).to(device)
        self.n, self.nc, self.device = n, len(classes), device
        imgs = torch.full((n, 3, CANVAS, CANVAS), 114, dtype=torch.uint8)
        self.wh = torch.zeros(n, 2)
        self.boxes = torch.zeros(n, MAX_BOXES, 5)
        self.valid = torch.zeros(n, MAX_BOXES, dtype=torch.bool)
        self.ignore = torch.zeros(n, self.nc, dtype=torch.bool)
        for i, r in enumerate(recs):
            im = read_rgb(r["path"], CANVAS)
            h, w = im.shape[1:]
            imgs[i, :, :h, :w] = im
            self.wh[i] = torch.tensor([w, h])
            b = to_boxes(r, classes, w, h)[:MAX_BOXES]
            if b:
                self.boxes[i, : len(b)] = torch.tensor(b)
                self.valid[i, : len(b)] = True
            for c in r["ignore"]:
                self.ignore[i, c] = True
        self.imgs = imgs.to(device)
        for k in ("wh", "boxes", "valid", "ignore"):
            setattr(self, k, getattr(self, k).to(device))

    def sample(self, n, gen):
        """n image indices: uniform, or by the sources' weights."""
        if self.weights is None:
            return torch.randint(0, self.n, (n,), device=self.device, generator=gen)
        return torch.multinomial(self.weights, n, replacement=True, generator=gen)

    def affine_batch(self, idx, S, gen):
        """Random scale/placement/flip of images `idx` into S x S. Returns imgs [n,3,S,S] in [0,1],
        boxes [n,M,5], valid [n,M]."""
        n, dev = len(idx), self.device
        wh = self.wh[idx]
        base = S / wh.max(1).values
        scale = base * torch.exp(torch.empty(n, device=dev).uniform_(math.log(self.scale_range[0]),
                                                                       math.log(self.scale_range[1]),
                                                                       generator=gen))
        sw, sh = wh[:, 0] * scale, wh[:, 1] * scale
        u = torch.rand(n, 2, device=dev, generator=gen)
        tx = torch.where(sw > S, (S - sw) * u[:, 0], (S - sw) * u[:, 0])
        ty = torch.where(sh > S, (S - sh) * u[:, 1], (S - sh) * u[:, 1])
        flip = torch.rand(n, device=dev, generator=gen) < 0.5
        # output pixel centre (u+0.5) -> input pixel x = ((u+0.5) - tx)/scale; flip: x -> w - x
        ar = torch.arange(S, device=dev, dtype=torch.float32) + 0.5
        xs = (ar[None, :] - tx[:, None]) / scale[:, None]
        xs = torch.where(flip[:, None], wh[:, 0:1] - xs, xs)
        ys = (ar[None, :] - ty[:, None]) / scale[:, None]
        gx = (xs / CANVAS) * 2 - 1
        gy = (ys / CANVAS) * 2 - 1
        # outside the real image -> grey
        outx = (xs < 0) | (xs > wh[:, 0:1])
        outy = (ys < 0) | (ys > wh[:, 1:2])
        gx = torch.where(outx, torch.full_like(gx, -2.0), gx)
        gy = torch.where(outy, torch.full_like(gy, -2.0), gy)
        grid = torch.stack((gx[:, None, :].expand(n, S, S), gy[:, :, None].expand(n, S, S)), -1)
        src = self.imgs[idx].float() / 255.0 - 0.45
        out = F.grid_sample(src, grid, mode="bilinear", padding_mode="zeros", align_corners=False)
        out = out + 0.45
        b = self.boxes[idx].clone()
        v = self.valid[idx].clone()
        x1, x2 = b[..., 1].clone(), b[..., 3].clone()
        fw = wh[:, 0:1]
        b[..., 1] = torch.where(flip[:, None], fw - x2, x1)
        b[..., 3] = torch.where(flip[:, None], fw - x1, x2)
        b[..., 1:5] = b[..., 1:5] * scale[:, None, None]
        b[..., [1, 3]] += tx[:, None, None]
        b[..., [2, 4]] += ty[:, None, None]
        area0 = (b[..., 3] - b[..., 1]) * (b[..., 4] - b[..., 2])
        b[..., 1:5] = b[..., 1:5].clamp(0, S)
        bw, bh = b[..., 3] - b[..., 1], b[..., 4] - b[..., 2]
        v = v & (bw * bh >= 0.4 * area0) & (bw >= 2) & (bh >= 2)
        return out, b, v

    def batch(self, idx, S, gen, mosaic_frac=0.4):
        n = len(idx)
        nm = int(n * mosaic_frac) if S >= 64 else 0
        imgs, boxes, valid = self.affine_batch(idx[nm:], S, gen) if n - nm > 0 else (None,) * 3
        ign = self.ignore[idx]
        if nm:
            h = S // 2
            extra = self.sample(nm * 3, gen).reshape(nm, 3)
            quad = torch.cat((idx[:nm, None], extra), 1)  # [nm, 4]
            qi, qb, qv = self.affine_batch(quad.reshape(-1), h, gen)
            qi = qi.reshape(nm, 2, 2, 3, h, h).permute(0, 3, 1, 4, 2, 5).reshape(nm, 3, S, S)
            qb = qb.reshape(nm, 4, MAX_BOXES, 5).clone()
            off = torch.tensor([[0, 0], [h, 0], [0, h], [h, h]], device=self.device, dtype=torch.float32)
            qb[..., [1, 3]] += off[None, :, None, 0:1]
            qb[..., [2, 4]] += off[None, :, None, 1:2]
            qb = qb.reshape(nm, 4 * MAX_BOXES, 5)
            qv = qv.reshape(nm, 4 * MAX_BOXES)
            mign = self.ignore[quad].any(1)
            if imgs is not None:
                pad = torch.zeros(n - nm, 3 * MAX_BOXES, 5, device=self.device)
                boxes = torch.cat((torch.cat((boxes, pad), 1), qb), 0)
                valid = torch.cat((torch.cat((valid, pad[..., 0].bool()), 1), qv), 0)
                imgs = torch.cat((imgs, qi), 0)
                ign = torch.cat((ign[nm:], mign), 0)
            else:
                imgs, boxes, valid, ign = qi, qb, qv, mign
        if self.head_blur > 0 and self.person >= 0:
            imgs, boxes = blur_heads(imgs, boxes, valid, gen, self.head_blur, self.person, self.face)
        return photometric(imgs, gen, self.motion_blur), boxes, valid, ign


def head_regions(boxes):
    """The product's head region of person boxes [..., 5] (ensemble_anonymizer.cc HeadOf: the
    middle two thirds of the width, the top fifth of the height), grown by its 15 % margin."""
    x1, y1, x2, y2 = boxes[..., 1], boxes[..., 2], boxes[..., 3], boxes[..., 4]
    w, h = x2 - x1, y2 - y1
    hx1, hx2, hy1, hy2 = x1 + w / 6, x1 + w * 5 / 6, y1, y1 + h / 5
    mx, my = 0.15 * (hx2 - hx1), 0.15 * (hy2 - hy1)
    return hx1 - mx, hy1 - my, hx2 + mx, hy2 + my


def blur_heads(x, boxes, valid, gen, frac, person, face):
    """What the anonymizer leaves of a person (issue 12): on a random `frac` of the batch, the
    head region of every person box is blurred strongly, as the product's `head` mode does, so
    the person class learns people whose heads are blurred (the person service runs on
    anonymized images). A face label whose centre falls in a blurred region becomes an ignore
    region for faces: a blurred face is neither taught as a face nor punished as one."""
    n, _, S, _ = x.shape
    dev = x.device
    sel = torch.rand(n, device=dev, generator=gen) < frac
    heads = valid & (boxes[..., 0] == person) & sel[:, None]
    if not heads.any():
        return x, boxes
    hx1, hy1, hx2, hy2 = head_regions(boxes)
    ar = torch.arange(S, device=dev, dtype=torch.float32) + 0.5
    inx = ((ar[None, None, :] >= hx1[..., None]) & (ar[None, None, :] < hx2[..., None]) &
           heads[..., None]).float()                                    # [n, M, S]
    iny = ((ar[None, None, :] >= hy1[..., None]) & (ar[None, None, :] < hy2[..., None]) &
           heads[..., None]).float()
    mask = (torch.bmm(iny.transpose(1, 2), inx) > 0)[:, None]            # [n, 1, S, S]
    k = 8
    coarse = F.avg_pool2d(x, k, k, ceil_mode=True)
    blurred = F.interpolate(coarse, size=(S, S), mode="bilinear", align_corners=False)
    blurred = F.avg_pool2d(F.pad(blurred, (2, 2, 2, 2), mode="replicate"), 5, 1)
    x = torch.where(mask, blurred, x)
    if face >= 0:
        cx = ((boxes[..., 1] + boxes[..., 3]) / 2).long().clamp(0, S - 1)
        cy = ((boxes[..., 2] + boxes[..., 4]) / 2).long().clamp(0, S - 1)
        hit = mask[:, 0][torch.arange(n, device=dev)[:, None], cy, cx]
        blurred_face = valid & (boxes[..., 0] == face) & hit
        boxes = boxes.clone()
        boxes[..., 0] = torch.where(blurred_face, torch.full_like(boxes[..., 0], -1 - face),
                                    boxes[..., 0])
    return x, boxes


def motion_blur(x, gen, frac):
    """Linear motion blur (length 3-11 px, mostly horizontal) on a random `frac` of the batch."""
    n, dev = x.shape[0], x.device
    sel = torch.rand(n, device=dev, generator=gen) < frac
    if not sel.any():
        return x
    length = int(torch.randint(3, 12, (1,), device=dev, generator=gen))
    angle = float(torch.empty(1, device=dev).normal_(0.0, 0.35, generator=gen))  # radians
    k = torch.zeros(11, 11, device=dev)
    for t in torch.linspace(-(length - 1) / 2, (length - 1) / 2, 4 * length):
        cx, cy = 5 + float(t) * math.cos(angle), 5 + float(t) * math.sin(angle)
        k[int(round(cy)), int(round(cx))] += 1
    k = k / k.sum()
    xs = x[sel]
    c = xs.shape[1]
    xs = F.conv2d(F.pad(xs, (5, 5, 5, 5), mode="replicate"), k.view(1, 1, 11, 11).repeat(c, 1, 1, 1),
                  groups=c)
    x[sel] = xs
    return x


def photometric(x, gen, motion=0.0):
    n, dev = x.shape[0], x.device
    r = lambda lo, hi: torch.empty(n, 1, 1, 1, device=dev).uniform_(lo, hi, generator=gen)
    x = x * r(0.6, 1.4)                                   # brightness
    m = x.mean((1, 2, 3), keepdim=True)
    x = (x - m) * r(0.7, 1.3) + m                         # contrast
    g = x.mean(1, keepdim=True)
    x = (x - g) * r(0.5, 1.5) + g                         # saturation
    grey = torch.rand(n, 1, 1, 1, device=dev, generator=gen) < 0.05
    x = torch.where(grey, x.mean(1, keepdim=True).expand_as(x), x)
    blur = torch.rand(n, device=dev, generator=gen) < 0.2
    if blur.any():
        sigma = float(torch.empty(1).uniform_(0.6, 1.6))
        k = torch.arange(-3, 4, device=dev, dtype=torch.float32)
        k = torch.exp(-k ** 2 / (2 * sigma ** 2))
        k = k / k.sum()
        xb = x[blur]
        c = xb.shape[1]
        xb = F.conv2d(F.pad(xb, (3, 3, 0, 0), mode="replicate"), k.view(1, 1, 1, 7).repeat(c, 1, 1, 1), groups=c)
        xb = F.conv2d(F.pad(xb, (0, 0, 3, 3), mode="replicate"), k.view(1, 1, 7, 1).repeat(c, 1, 1, 1), groups=c)
        x[blur] = xb
    if motion > 0:
        x = motion_blur(x, gen, motion)
    x = x + torch.randn(x.shape, device=dev, generator=gen) * 0.02 * (torch.rand(n, 1, 1, 1, device=dev, generator=gen) < 0.3)
    return x.clamp(0, 1)


def assign(boxes, valid, S, nc):
    """Per level: positive mask [B,HW], class target [B,HW], box target [B,HW,4] (x1y1x2y2),
    ignored cells [B,HW,C] (centre inside an ignore region of that class, class -1 - c)."""
    out = []
    region = valid & (boxes[..., 0] < 0)
    valid = valid & (boxes[..., 0] >= 0)
    bw = boxes[..., 3] - boxes[..., 1]
    bh = boxes[..., 4] - boxes[..., 2]
    side = torch.maximum(bw, bh)
    area = bw * bh
    cxg = (boxes[..., 1] + boxes[..., 3]) / 2
    cyg = (boxes[..., 2] + boxes[..., 4]) / 2
    for (lo, hi), s in zip(LEVEL_RANGES, detector.STRIDES):
        H = W = S // s
        ys, xs = torch.meshgrid(torch.arange(H, device=boxes.device), torch.arange(W, device=boxes.device),
                                indexing="ij")
        px = ((xs.reshape(-1).float() + 0.5) * s)[None, None, :]
        py = ((ys.reshape(-1).float() + 0.5) * s)[None, None, :]
        rx = torch.clamp(torch.minimum(bw / 2, torch.full_like(bw, 2.5 * s)), min=0.5 * s)[..., None]
        ry = torch.clamp(torch.minimum(bh / 2, torch.full_like(bh, 2.5 * s)), min=0.5 * s)[..., None]
        ok = (valid & (side > lo) & (side <= hi))[..., None]
        pos = ok & ((px - cxg[..., None]).abs() <= rx) & ((py - cyg[..., None]).abs() <= ry)  # [B,M,HW]
        a = torch.where(pos, area[..., None], torch.full_like(pos, 1e12, dtype=torch.float32))
        best = a.argmin(1)  # [B,HW]
        anypos = pos.any(1)
        tb = torch.gather(boxes, 1, best[..., None].expand(-1, -1, 5))  # [B,HW,5]
        cell_ign = torch.zeros(anypos.shape + (nc,), dtype=torch.bool, device=boxes.device)
        if region.any():
            inside = region[..., None] & (px >= boxes[..., 1:2]) & (px <= boxes[..., 3:4]) & \
                (py >= boxes[..., 2:3]) & (py <= boxes[..., 4:5])           # [B,M,HW]
            for c in range(nc):
                sel = boxes[..., 0] == -1 - c
                if sel.any():
                    cell_ign[..., c] = (inside & sel[..., None]).any(1)
        out.append((anypos, tb[..., 0].long(), tb[..., 1:5], cell_ign & ~anypos[..., None]))
    return out


def focal(logits, target, gamma=2.0, alpha=0.25):
    p = logits.sigmoid()
    ce = F.binary_cross_entropy_with_logits(logits, target, reduction="none")
    pt = p * target + (1 - p) * (1 - target)
    w = alpha * target + (1 - alpha) * (1 - target)
    return ce * (1 - pt) ** gamma * w


def giou_loss(a, b):
    ix1, iy1 = torch.maximum(a[:, 0], b[:, 0]), torch.maximum(a[:, 1], b[:, 1])
    ix2, iy2 = torch.minimum(a[:, 2], b[:, 2]), torch.minimum(a[:, 3], b[:, 3])
    inter = (ix2 - ix1).clamp(min=0) * (iy2 - iy1).clamp(min=0)
    aa = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    ab = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    union = aa + ab - inter + 1e-6
    iou = inter / union
    cx1, cy1 = torch.minimum(a[:, 0], b[:, 0]), torch.minimum(a[:, 1], b[:, 1])
    cx2, cy2 = torch.maximum(a[:, 2], b[:, 2]), torch.maximum(a[:, 3], b[:, 3])
    carea = (cx2 - cx1) * (cy2 - cy1) + 1e-6
    return 1 - iou + (carea - union) / carea, iou


def compute_loss(outs, targets, ign, nc):
    cls_l, box_l, npos = 0.0, 0.0, 0
    for i, ((xy, wh, cl), (pos, tc, tb, cell_ign)) in enumerate(zip(outs, targets)):
        s = detector.STRIDES[i]
        B, _, H, W = cl.shape
        grid = detector.make_grid(H, W, s, cl.device)
        cxy, size = detector.decode_level(xy.float(), wh.float(), s, grid)
        pb = torch.cat((cxy - size / 2, cxy + size / 2), 1).reshape(B, 4, H * W).permute(0, 2, 1)
        logits = cl.float().reshape(B, nc, H * W).permute(0, 2, 1)  # [B,HW,C]
        t = torch.zeros_like(logits)
        if pos.any():
            t[pos] = F.one_hot(tc[pos], nc).float()
            gl, _ = giou_loss(pb[pos], tb[pos])
            box_l = box_l + gl.sum()
            npos += int(pos.sum())
        fl = focal(logits, t) * ((~ign)[:, None, :] & ~cell_ign).float()
        cls_l = cls_l + fl.sum()
    n = max(npos, 1)
    return cls_l / n, 2.0 * box_l / n, npos


class Ema:
    def __init__(self, model, decay=0.9995):
        import copy
        self.m = copy.deepcopy(model).eval()
        self.decay, self.updates = decay, 0
        for p in self.m.parameters():
            p.requires_grad_(False)

    def update(self, model):
        self.updates += 1
        d = self.decay * (1 - math.exp(-self.updates / 500))
        with torch.no_grad():
            msd = model.state_dict()
            for k, v in self.m.state_dict().items():
                if v.dtype.is_floating_point:
                    v.mul_(d).add_(msd[k].detach(), alpha=1 - d)
                else:
                    v.copy_(msd[k])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True, choices=sorted(config.MODELS))
    ap.add_argument("--data", default="training/.data")
    ap.add_argument("--out", default="training/runs")
    ap.add_argument("--minutes", type=float, default=0, help="train for this long (sets --steps)")
    ap.add_argument("--steps", type=int, default=0)
    ap.add_argument("--max-seconds", type=float, default=0, help="stop early (and save) after this")
    ap.add_argument("--batch", type=int, default=96)
    ap.add_argument("--size", type=int, default=0, help="square training size (default: config)")
    ap.add_argument("--width", type=float, default=0, help="channel multiplier (default: config)")
    ap.add_argument("--arch", default="", choices=["", *detector.ARCHS],
                    help="architecture (default: config)")
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--limit", type=int, default=0, help="use only this many images (smoke)")
    ap.add_argument("--init", default="", help="start from this checkpoint's weights")
    ap.add_argument("--resume", default="",
                    help="go on with this checkpoint's run: its weights, step and schedule (a run "
                         "longer than one device call)")
    ap.add_argument("--finetune", action="store_true",
                    help="also use the sources marked \"finetune\" in config.py (with --init)")
    ap.add_argument("--drop-class", action="append", default=[],
                    help="leave this class out of the model (repeatable)")
    ap.add_argument("--extra-yolo", action="append", default=[],
                    help="a `tilsyn dataset export` folder: teach its classes (repeatable)")
    ap.add_argument("--extra-weight", type=float, default=3.0,
                    help="sampling weight of the exported images (configured sources: 1)")
    ap.add_argument("--head-blur", type=float, default=-1,
                    help="share of images whose persons' heads are blurred as the anonymizer "
                         "does (default: config)")
    args = ap.parse_args()
    spec = config.MODELS[args.model]
    S = args.size or spec["train_size"]
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    dev = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    recs, classes = load_split(args.data, args.model, finetune=args.finetune,
                               drop=args.drop_class, extra=args.extra_yolo,
                               extra_weight=args.extra_weight)
    if args.limit:
        recs = recs[: args.limit]
    nc = len(classes)
    t0 = time.time()
    data = GpuData(recs, classes, dev, spec.get("scale_range", config.DEFAULT_SCALE_RANGE),
                   spec.get("motion_blur", config.DEFAULT_MOTION_BLUR),
                   args.head_blur if args.head_blur >= 0 else spec.get("head_blur", 0.0))
    print(f"[{args.model}] {len(recs)} train images, classes {classes}, size {S}, device {dev}, "
          f"load {time.time() - t0:.1f}s", flush=True)
    width = args.width or spec["width"]
    arch = args.arch or spec.get("arch", "base")
    model = detector.TilsynDet(nc, width, arch)
    if args.resume:
        args.init = args.resume
    if args.init:
        ck = torch.load(args.init, map_location="cpu", weights_only=False)
        if ck["classes"] != classes or ck["width"] != width or ck.get("arch", "base") != arch:
            raise SystemExit(f"--init {args.init}: classes/width/arch {ck['classes']}/{ck['width']}/"
                             f"{ck.get('arch', 'base')} differ from {classes}/{width}/{arch}")
        model.load_state_dict(ck["model"])
        print(f"[{args.model}] starting from {args.init} ({ck['steps']} steps)", flush=True)
    model = model.to(dev)
    if dev.type == "cuda":
        model = model.to(memory_format=torch.channels_last)
    decay, no_decay = [], []
    for n_, p in model.named_parameters():
        (no_decay if p.ndim <= 1 else decay).append(p)
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 5e-4},
                             {"params": no_decay, "weight_decay": 0}], lr=args.lr, betas=(0.9, 0.99))
    ema = Ema(model)
    gen = torch.Generator(device=dev)
    gen.manual_seed(args.seed)
    total = args.steps or 10 ** 9
    warm = min(300, max(1, total // 10))
    step, t_start = 0, time.time()
    rewarm_until = 0
    if args.resume:
        # The checkpoint's weights are its EMA; the optimizer's moments start afresh, so the
        # learning rate climbs back to the schedule's value over 50 steps.
        if not ck.get("total"):
            raise SystemExit(f"--resume {args.resume}: the checkpoint has no schedule (use --init)")
        step, total, args.lr, warm = ck["steps"], ck["total"], ck["lr"], ck["warm"]
        rewarm_until = step + 50
        if step >= total:
            raise SystemExit(f"--resume {args.resume}: the run is complete ({step}/{total} steps)")
        print(f"[{args.model}] resuming at step {step}/{total}", flush=True)
    first_step = step
    amp = dev.type == "cuda"
    while step < total:
        if step == 60 and args.minutes and not args.steps and not args.resume:
            per = (time.time() - t_start) / 60
            total = int(args.minutes * 60 / per)
            print(f"[{args.model}] {per * 1000:.0f} ms/step -> {total} steps", flush=True)
        lr = args.lr * (step + 1) / warm if step < warm else \
            args.lr * (0.02 + 0.98 * 0.5 * (1 + math.cos(math.pi * min(1.0, (step - warm) / max(1, total - warm)))))
        if step < rewarm_until:
            lr *= (step - first_step + 1) / (rewarm_until - first_step)
        for g in opt.param_groups:
            g["lr"] = lr
        idx = data.sample(args.batch, gen)
        with torch.no_grad():
            imgs, boxes, valid, ign = data.batch(idx, S, gen)
            targets = assign(boxes, valid, S, nc)
        if amp:
            imgs = imgs.contiguous(memory_format=torch.channels_last)
        if amp:
            with torch.autocast(device_type="cuda", dtype=torch.bfloat16):
                outs = model(imgs)
        else:
            outs = model(imgs)
        lc, lb, npos = compute_loss(outs, targets, ign, nc)
        loss = lc + lb
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 10.0)
        opt.step()
        ema.update(model)
        if step % 200 == 0 or step == total - 1:
            print(f"[{args.model}] step {step}/{total if total < 10 ** 9 else '?'} lr {lr:.2e} "
                  f"cls {float(lc):.3f} box {float(lb):.3f} pos {npos} t {time.time() - t_start:.0f}s",
                  flush=True)
        if (args.minutes and not args.resume and time.time() - t_start > args.minutes * 60 + 40) or \
                (args.max_seconds and time.time() - t_start > args.max_seconds):
            print(f"[{args.model}] wall-time guard: stopping at step {step}", flush=True)
            step += 1
            break
        if not math.isfinite(float(loss)):
            raise SystemExit("non-finite loss")
        step += 1
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, f"{args.model}.pt")
    sd = {k: v.float().cpu() if v.dtype.is_floating_point else v.cpu() for k, v in ema.m.state_dict().items()}
    torch.save({"name": args.model, "classes": classes, "width": width, "arch": arch, "model": sd,
                "steps": step, "total": total if total < 10 ** 9 else step, "warm": warm,
                "batch": args.batch, "size": S, "seed": args.seed, "lr": args.lr,
                "train_seconds": time.time() - t_start, "argv": sys.argv, "init": args.init,
                "torch": torch.__version__, "device": str(dev)}, path)
    print(f"[{args.model}] saved {path} after {step} steps, {time.time() - t_start:.0f}s", flush=True)


if __name__ == "__main__":
    main()
