"""PyTorch eager reference for docs/benchmarks.md: CIFAR ResNet-20 to -110 (He et al. 2016,
option-A shortcuts), SGD momentum 0.9 + weight decay 5e-4, fp32, random inputs, timed with cuda sync.

    python3 scripts/gpu/resnet56_torch.py --batch 128 [--depth 56] [--steps 20] [--channels-last]
        [--tf32] [--device cpu]

Prints one JSON line last. Kernels per step are counted with torch.profiler (CUDA kernels only).
"""

import argparse
import json
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Block(nn.Module):
    def __init__(self, cin: int, cout: int, stride: int):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.pad = (cout - cin) // 2
        self.stride = stride

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        sc = x
        if self.stride != 1 or self.pad:
            # Option A: subsample and zero-pad the new channels (no parameters).
            sc = F.pad(x[:, :, :: self.stride, :: self.stride], (0, 0, 0, 0, self.pad, self.pad))
        return F.relu(out + sc)


class ResNet(nn.Module):
    def __init__(self, n: int, num_classes: int = 10):
        super().__init__()
        self.conv = nn.Conv2d(3, 16, 3, 1, 1, bias=False)
        self.bn = nn.BatchNorm2d(16)
        layers, cin = [], 16
        for stage, cout in enumerate([16, 32, 64]):
            for i in range(n):
                layers.append(Block(cin, cout, 2 if stage > 0 and i == 0 else 1))
                cin = cout
        self.layers = nn.Sequential(*layers)
        self.fc = nn.Linear(64, num_classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_in", nonlinearity="relu")

    def forward(self, x):
        x = F.relu(self.bn(self.conv(x)))
        x = self.layers(x)
        x = F.adaptive_avg_pool2d(x, 1).flatten(1)
        return self.fc(x)


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--depth", type=int, default=56)
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--warmup", type=int, default=5)
    p.add_argument("--channels-last", action="store_true")
    p.add_argument("--tf32", action="store_true", help="allow TF32 (default: strict fp32)")
    p.add_argument("--device", default="cuda", help="cuda, or cpu for the dry run (DRY=1)")
    a = p.parse_args()
    cuda = a.device.startswith("cuda")
    sync = torch.cuda.synchronize if cuda else (lambda: None)

    torch.backends.cuda.matmul.allow_tf32 = a.tf32
    torch.backends.cudnn.allow_tf32 = a.tf32
    torch.backends.cudnn.benchmark = True
    dev = torch.device(a.device)
    fmt = torch.channels_last if a.channels_last else torch.contiguous_format
    model = ResNet((a.depth - 2) // 6).to(dev, memory_format=fmt)
    params = sum(p.numel() for p in model.parameters())
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=5e-4)
    x = (torch.rand(a.batch, 3, 32, 32, device=dev) - 0.5).to(memory_format=fmt)
    y = torch.randint(0, 10, (a.batch,), device=dev)

    def step() -> torch.Tensor:
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        return loss

    for _ in range(a.warmup):
        step()
    sync()
    t0 = time.perf_counter()
    for _ in range(a.steps):
        loss = step()
    last = loss.item()  # one readback, like the engine's timing
    ms = (time.perf_counter() - t0) * 1000

    kernels = None
    try:
        if not cuda:
            raise RuntimeError("no CUDA kernels to count on %s" % a.device)
        from torch.profiler import ProfilerActivity, profile

        with profile(activities=[ProfilerActivity.CUDA]) as prof:
            step()
            torch.cuda.synchronize()
        kernels = sum(
            1 for e in prof.events() if e.device_type == torch.autograd.DeviceType.CUDA
        )
    except Exception as e:  # the count is an extra; timing stands without it
        print(f"kernel count failed: {e}")

    res = {
        "torch": torch.__version__,
        "gpu": torch.cuda.get_device_name(0) if cuda else a.device,
        "model": f"resnet{a.depth}",
        "params": params,
        "batch": a.batch,
        "steps": a.steps,
        "channelsLast": a.channels_last,
        "tf32": a.tf32,
        "msPerStep": round(ms / a.steps, 2),
        "imagesPerSecond": round(a.steps * a.batch / (ms / 1000)),
        "cudaKernelsPerStep": kernels,
        "lastLoss": round(last, 4),
        "peakMemMB": round(torch.cuda.max_memory_allocated() / 2**20) if cuda else None,
    }
    print(
        f"torch ResNet-{a.depth} batch {a.batch}{' channels-last' if a.channels_last else ''}"
        f"{' tf32' if a.tf32 else ''}: {res['msPerStep']} ms/step, {res['imagesPerSecond']} images/s, "
        f"{kernels} CUDA kernels/step"
    )
    print(json.dumps(res))


if __name__ == "__main__":
    main()
