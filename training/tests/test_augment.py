#!/usr/bin/env python3
"""Checks that the GPU augmentation moves boxes together with the pixels: a white rectangle on a
black image must stay inside its transformed box (plain, flipped, scaled, mosaic)."""
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import train  # noqa: E402


def make_data(n=6):
    d = train.GpuData.__new__(train.GpuData)
    d.n, d.nc, d.device = n, 2, torch.device("cpu")
    d.imgs = torch.zeros(n, 3, train.CANVAS, train.CANVAS, dtype=torch.uint8)
    d.wh = torch.zeros(n, 2)
    d.boxes = torch.zeros(n, train.MAX_BOXES, 5)
    d.valid = torch.zeros(n, train.MAX_BOXES, dtype=torch.bool)
    d.ignore = torch.zeros(n, 2, dtype=torch.bool)
    d.scale_range, d.motion_blur, d.weights = (0.5, 3.0), 0.0, None
    d.head_blur, d.person, d.face = 0.0, -1, -1
    g = torch.Generator().manual_seed(3)
    for i in range(n):
        w, h = 300 + 30 * i, 420 - 20 * i
        x1, y1 = int(torch.randint(0, w - 80, (1,), generator=g)), int(torch.randint(0, h - 60, (1,), generator=g))
        x2, y2 = x1 + 40 + 5 * i, y1 + 30 + 4 * i
        d.imgs[i, :, y1:y2, x1:x2] = 255
        d.wh[i] = torch.tensor([w, h])
        d.boxes[i, 0] = torch.tensor([i % 2, x1, y1, x2, y2], dtype=torch.float32)
        d.valid[i, 0] = True
    return d


def main():
    d = make_data()
    g = torch.Generator().manual_seed(0)
    checked = 0
    for trial in range(20):
        idx = torch.randint(0, d.n, (4,), generator=g)
        imgs, boxes, valid = d.affine_batch(idx, 256, g)
        for i in range(4):
            for b in boxes[i][valid[i]]:
                _, x1, y1, x2, y2 = [float(v) for v in b]
                inner = imgs[i, 0, int(y1) + 2:int(y2) - 1, int(x1) + 2:int(x2) - 1]
                if inner.numel() == 0:
                    continue
                outer = imgs[i, 0].clone()
                outer[max(0, int(y1) - 2):int(y2) + 3, max(0, int(x1) - 2):int(x2) + 3] = 0
                assert inner.mean() > 0.8, f"box not on the white patch (mean {inner.mean():.2f})"
                assert outer.max() < 0.6, "white pixels outside the box"
                checked += 1
    # mosaic path: every valid box must cover white pixels
    idx = torch.arange(4)
    imgs, boxes, valid, ign = d.batch(idx, 256, g, mosaic_frac=1.0)
    for i in range(imgs.shape[0]):
        for b in boxes[i][valid[i]]:
            _, x1, y1, x2, y2 = [int(v) for v in b]
            if x2 - x1 > 4 and y2 - y1 > 4:
                assert imgs[i, :, y1 + 1:y2 - 1, x1 + 1:x2 - 1].mean() > 0.5, "mosaic box misplaced"
                checked += 1
    assert checked > 20, checked
    # per-source weights: an image weighted 5x is drawn about 5x as often
    d.weights = torch.tensor([5.0, 1, 1, 1, 1, 1]) / 10
    draws = d.sample(20000, g)
    share = float((draws == 0).float().mean())
    assert 0.45 < share < 0.55, share
    # motion blur smears a vertical edge sideways and keeps the mean brightness
    x = torch.zeros(4, 3, 32, 32)
    x[..., 16:] = 1.0
    y = train.motion_blur(x.clone(), g, 1.0)
    assert float(y[..., 15].mean()) > 0.05 and abs(float(y.mean()) - float(x.mean())) < 0.02
    # an ignore region (class -1 - c, the teacher's unsure person) silences class c in the cells
    # whose centre it covers, and nothing else: not other classes, not a labelled object's cells
    boxes = torch.tensor([[[2, 100, 100, 140, 150], [-3, 10, 10, 70, 60], [0, 20, 20, 50, 60]]],
                         dtype=torch.float32)
    valid = torch.ones(1, 3, dtype=torch.bool)
    (pos, cls, _, cell_ign) = train.assign(boxes, valid, 256, 3)[0]  # stride 8
    grid = lambda x, y: (y // 8) * 32 + x // 8
    assert bool(cell_ign[0, grid(60, 30), 2]) and not bool(cell_ign[0, grid(60, 30), 0])
    assert not bool(cell_ign[0, grid(120, 125)].any()) and bool(pos[0, grid(120, 125)])
    assert not bool(cell_ign[0, grid(200, 200)].any())
    assert int(cls[0, grid(120, 125)]) == 2 and bool(pos[0, grid(35, 40)])  # regions are not labels
    assert not bool(cell_ign[0, grid(35, 40)].any())  # a labelled cell is never ignored
    # head blur (issue 12): the head region of a person (top fifth, middle two thirds) is
    # smoothed as the anonymizer does, the rest of the body is not, and a face inside it becomes
    # an ignore region for faces; with frac 0 nothing changes
    x = (torch.arange(64 * 64).reshape(64, 64) % 2).float().expand(1, 3, 64, 64).clone()
    person = [2, 10, 5, 40, 55]  # the head region: x 15-35, y 5-15
    face = [0, 20, 6, 30, 14]
    boxes = torch.tensor([[person, face, [1, 44, 44, 60, 52]]], dtype=torch.float32)
    valid = torch.ones(1, 3, dtype=torch.bool)
    same, b0 = train.blur_heads(x.clone(), boxes, valid, g, 0.0, 2, 0)
    assert torch.equal(same, x) and torch.equal(b0, boxes)
    y, b1 = train.blur_heads(x.clone(), boxes, valid, g, 1.0, 2, 0)
    checker = lambda img, y1, y2, x1, x2: float((img[0, 0, y1:y2, x1 + 1:x2] -
                                                img[0, 0, y1:y2, x1:x2 - 1]).abs().mean())
    assert checker(x, 8, 12, 18, 32) > 0.9 and checker(y, 8, 12, 18, 32) < 0.2, "head not blurred"
    assert checker(y, 30, 50, 12, 38) > 0.9, "the body was blurred"
    assert checker(y, 45, 50, 46, 58) > 0.9, "a plate was blurred"
    assert float(b1[0, 1, 0]) == -1.0 and float(b1[0, 0, 0]) == 2 and float(b1[0, 2, 0]) == 1
    print(f"test_augment: OK ({checked} boxes checked)")


if __name__ == "__main__":
    main()
