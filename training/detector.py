"""TilsynDet: a compact anchor-free single-stage detector (FCOS/YOLOX-style head, no anchors).

Backbone: a 3x3 stem then depthwise-separable stages (strides 2..32); neck: a light FPN (1x1
lateral convs, nearest upsampling, addition); head per level (strides 8, 16, 32): a shared
depthwise-separable block, then 1x1 convs for the box centre offset (2), log-size (2) and class
logits (C). Each class is its own sigmoid (no softmax, no separate objectness), so a source that
does not label a class can simply ignore it in the loss.

Export (ExportWrapper): the decoding is inside the graph, giving ONE output [1, N, 5 + C] with rows
  cx, cy, w, h (input pixels), objectness (constant 1.0), C class probabilities (sigmoid)
which the generic `yolo` decoder reads (score = objectness x class probability = class probability).
Only ops OpenCV 4.6 DNN runs: Conv (BN folded), Relu, Resize (nearest), Add, Mul, Exp, Sigmoid,
Concat, Reshape, Transpose; constant grids; opset 11; fixed input shape.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

STRIDES = (8, 16, 32)


def conv_bn(ci, co, k=3, s=1, groups=1, act=True):
    layers = [nn.Conv2d(ci, co, k, s, k // 2, groups=groups, bias=False), nn.BatchNorm2d(co)]
    if act:
        layers.append(nn.ReLU(inplace=True))
    return nn.Sequential(*layers)


class DWBlock(nn.Module):
    """Depthwise 3x3 (stride s) + pointwise 1x1; residual when shapes agree."""

    def __init__(self, ci, co, s=1):
        super().__init__()
        self.dw = conv_bn(ci, ci, 3, s, groups=ci)
        self.pw = conv_bn(ci, co, 1)
        self.res = s == 1 and ci == co

    def forward(self, x):
        y = self.pw(self.dw(x))
        return x + y if self.res else y


def stage(ci, co, n):
    return nn.Sequential(DWBlock(ci, co, 2), *[DWBlock(co, co) for _ in range(n - 1)])


# Architectures (config.py "arch"): channels of stem, /4, /8, /16, /32; FPN width; depth of the
# per-level head. "base" is the first generation (privacy v1, street). "fast" spends its compute
# where it pays for a single pass at a high input size: a plain 3x3 stride-2 stem (no extra
# full-resolution layers) and narrow /2 and /4 stages, wider /16 and /32 stages.
ARCHS = {
    "base": {"c": (24, 48, 96, 160, 256), "nk": 96, "stem_dw": True, "head_depth": 2},
    "fast": {"c": (16, 32, 96, 192, 320), "nk": 96, "stem_dw": False, "head_depth": 2},
}


class TilsynDet(nn.Module):
    def __init__(self, num_classes, width=1.0, arch="base"):
        super().__init__()
        a = ARCHS[arch]
        c = [int(v * width) for v in a["c"]]
        nk = int(a["nk"] * width)
        self.num_classes = num_classes
        self.arch = arch
        stem = [conv_bn(3, c[0], 3, 2)]
        if a["stem_dw"]:
            stem += [conv_bn(c[0], c[0], 3, 1, groups=c[0]), conv_bn(c[0], c[0], 1)]
        self.stem = nn.Sequential(*stem)
        self.s2 = stage(c[0], c[1], 2)   # /4
        self.s3 = stage(c[1], c[2], 3)   # /8
        self.s4 = stage(c[2], c[3], 4)   # /16
        self.s5 = stage(c[3], c[4], 3)   # /32
        self.lat3 = conv_bn(c[2], nk, 1)
        self.lat4 = conv_bn(c[3], nk, 1)
        self.lat5 = conv_bn(c[4], nk, 1)
        self.up = nn.Upsample(scale_factor=2, mode="nearest")
        self.smooth = nn.ModuleList([DWBlock(nk, nk) for _ in STRIDES])
        self.head = nn.ModuleList([nn.Sequential(*[DWBlock(nk, nk) for _ in range(a["head_depth"])])
                                   for _ in STRIDES])
        self.xy = nn.ModuleList([nn.Conv2d(nk, 2, 1) for _ in STRIDES])
        self.wh = nn.ModuleList([nn.Conv2d(nk, 2, 1) for _ in STRIDES])
        self.cls = nn.ModuleList([nn.Conv2d(nk, num_classes, 1) for _ in STRIDES])
        prior = -4.6  # sigmoid ~ 0.01
        for m in self.cls:
            nn.init.constant_(m.bias, prior)
            nn.init.normal_(m.weight, std=0.01)
        for m in list(self.xy) + list(self.wh):
            nn.init.normal_(m.weight, std=0.01)
            nn.init.zeros_(m.bias)

    def features(self, x):
        x = self.s2(self.stem(x))
        c3 = self.s3(x)
        c4 = self.s4(c3)
        c5 = self.s5(c4)
        p5 = self.lat5(c5)
        p4 = self.lat4(c4) + self.up(p5)
        p3 = self.lat3(c3) + self.up(p4)
        return [self.smooth[i](p) for i, p in enumerate((p3, p4, p5))]

    def forward(self, x):
        """Raw outputs per level: list of (xy [B,2,H,W], wh [B,2,H,W], cls logits [B,C,H,W])."""
        outs = []
        for i, p in enumerate(self.features(x)):
            h = self.head[i](p)
            outs.append((self.xy[i](h), self.wh[i](h), self.cls[i](h)))
        return outs


def make_grid(h, w, stride, device):
    gy, gx = torch.meshgrid(torch.arange(h, device=device), torch.arange(w, device=device),
                            indexing="ij")
    return torch.stack((gx, gy), 0).float()  # [2, H, W]


def decode_level(xy, wh, stride, grid):
    """Box centre = (grid + 0.5 + xy) * stride; size = exp(wh) * stride (in input pixels)."""
    cxy = (grid.unsqueeze(0) + 0.5 + xy) * stride
    size = torch.exp(wh.clamp(max=10.0)) * stride
    return cxy, size


class ExportWrapper(nn.Module):
    """Fixed-size inference graph with the decoding inside: output [1, N, 5 + C]."""

    def __init__(self, model, width, height):
        super().__init__()
        self.model = model
        self.shapes = [(height // s, width // s) for s in STRIDES]
        for i, (s, (h, w)) in enumerate(zip(STRIDES, self.shapes)):
            g = (make_grid(h, w, s, "cpu") + 0.5) * s
            self.register_buffer(f"grid{i}", g.unsqueeze(0))  # [1, 2, H, W]
        nk = model.xy[0].in_channels
        # Objectness = 1.0 everywhere: a 1x1 conv with zero weights and bias 1 (a plain Conv node).
        self.one = nn.Conv2d(nk, 1, 1)
        nn.init.zeros_(self.one.weight)
        nn.init.ones_(self.one.bias)

    def forward(self, x):
        rows = []
        m = self.model
        for i, p in enumerate(m.features(x)):
            s = STRIDES[i]
            h = m.head[i](p)
            cxy = m.xy[i](h) * float(s) + getattr(self, f"grid{i}")
            wh = torch.exp(m.wh[i](h)) * float(s)
            cls = torch.sigmoid(m.cls[i](h))
            obj = self.one(h)
            out = torch.cat((cxy, wh, obj, cls), 1)           # [1, 5+C, H, W]
            hh, ww = self.shapes[i]
            rows.append(out.reshape(1, 5 + m.num_classes, hh * ww))
        return torch.cat(rows, 2).permute(0, 2, 1)          # [1, N, 5+C]
