#!/usr/bin/env python3
"""Exports a trained checkpoint to ONNX (opset 11, fixed input, decoding in the graph) and checks
that OpenCV's DNN module loads it and agrees with PyTorch.
Usage: python3 training/export_onnx.py --ckpt runs/privacy.pt --out models/privacy.onnx [--size 768x448]
"""
import argparse
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import config  # noqa: E402
import detector  # noqa: E402


def fold_bn(module):
    """Folds every Conv2d+BatchNorm2d pair inside nn.Sequential blocks (in place)."""
    for name, child in module.named_children():
        if isinstance(child, torch.nn.Sequential):
            layers = list(child)
            new, i = [], 0
            while i < len(layers):
                l = layers[i]
                if isinstance(l, torch.nn.Conv2d) and i + 1 < len(layers) and \
                        isinstance(layers[i + 1], torch.nn.BatchNorm2d):
                    bn = layers[i + 1]
                    conv = torch.nn.Conv2d(l.in_channels, l.out_channels, l.kernel_size, l.stride,
                                           l.padding, groups=l.groups, bias=True)
                    scale = bn.weight / torch.sqrt(bn.running_var + bn.eps)
                    conv.weight.data = l.weight.data * scale.reshape(-1, 1, 1, 1)
                    b = l.bias.data if l.bias is not None else torch.zeros_like(bn.running_mean)
                    conv.bias.data = (b - bn.running_mean) * scale + bn.bias
                    new.append(conv)
                    i += 2
                else:
                    new.append(l)
                    i += 1
            setattr(module, name, torch.nn.Sequential(*[fold_bn(x) for x in new]))
        else:
            fold_bn(child)
    return module


def load_model(ckpt_path):
    ck = torch.load(ckpt_path, map_location="cpu")
    m = detector.TilsynDet(len(ck["classes"]), ck.get("width", 1.0), ck.get("arch", "base"))
    m.load_state_dict(ck["model"])
    return m.eval(), ck


def export(model, width, height, out_path):
    model = fold_bn(model.eval())
    wrapper = detector.ExportWrapper(model, width, height).eval()
    x = torch.rand(1, 3, height, width)
    with torch.no_grad():
        torch.onnx.export(wrapper, x, out_path, opset_version=11, input_names=["images"],
                          output_names=["output"], do_constant_folding=True)
    strip_identity(out_path)
    return wrapper


def strip_identity(path):
    """PyTorch de-duplicates equal initializers through Identity nodes, which OpenCV 4.6 cannot
    import: replace each Identity of an initializer by a copy of that initializer."""
    import onnx
    from onnx import numpy_helper
    m = onnx.load(path)
    inits = {i.name: i for i in m.graph.initializer}
    keep = []
    for n in m.graph.node:
        if n.op_type == "Identity" and n.input[0] in inits:
            arr = numpy_helper.to_array(inits[n.input[0]])
            m.graph.initializer.append(numpy_helper.from_array(arr, n.output[0]))
        else:
            keep.append(n)
    del m.graph.node[:]
    m.graph.node.extend(keep)
    onnx.checker.check_model(m)
    onnx.save(m, path)


def check_opencv(wrapper, onnx_path, width, height, seed=0):
    import cv2
    net = cv2.dnn.readNetFromONNX(onnx_path)
    rng = np.random.default_rng(seed)
    x = rng.random((1, 3, height, width), dtype=np.float32)
    net.setInput(x)
    got = net.forward()
    with torch.no_grad():
        ref = wrapper(torch.from_numpy(x)).numpy()
    if got.shape != ref.shape:
        raise SystemExit(f"shape mismatch: opencv {got.shape} torch {ref.shape}")
    err = np.abs(got - ref)
    rel_box = (err[..., :4] / (np.abs(ref[..., :4]) + 1.0)).max()
    prob = err[..., 4:].max()
    return got.shape, float(rel_box), float(prob)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ckpt", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--size", default="", help="WxH (default: the model's export_size)")
    args = ap.parse_args()
    model, ck = load_model(args.ckpt)
    if args.size:
        w, h = (int(v) for v in args.size.split("x"))
    else:
        w, h = config.MODELS[ck["name"]]["export_size"]
    wrapper = export(model, w, h, args.out)
    shape, rel_box, prob = check_opencv(wrapper, args.out, w, h)
    print(f"export: {args.out} {os.path.getsize(args.out)} bytes, output {shape}, "
          f"opencv vs torch: box rel err {rel_box:.2e}, prob abs err {prob:.2e}")
    if rel_box > 1e-3 or prob > 1e-3:
        raise SystemExit("OpenCV and PyTorch disagree")


if __name__ == "__main__":
    main()
