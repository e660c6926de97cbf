/** Python text: the networks, the lab's parameter order and layout, and its seeded init. */
export const PY_MODEL = String.raw`
# ---------------------------------------------------------------------------------------------
# The networks. ResNets are He et al.'s CIFAR ResNets (depth 6n+2): 3x3 convolutions without
# bias, batch norm, ReLU, and the parameter-free "option A" shortcut (subsample by 2, pad the
# new channels with zeros). Shallow3 is Caffe's cifar10_quick, Smith's 3-layer net.
# ---------------------------------------------------------------------------------------------
# Blocks per stage: depth 6n + 2 (resnet8 is for quick tests).
RESNET_N = {
    "resnet8": 1, "resnet20": 3, "resnet32": 5, "resnet44": 7, "resnet56": 9, "resnet110": 18,
}
SHALLOW3_CONVS = (("conv1", 3, 32), ("conv2", 32, 32), ("conv3", 32, 64))


class Unit(nn.Module):
    """3x3 convolution then batch norm (the caller applies ReLU): one unit of a ResNet."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(cout, eps=1e-5, momentum=0.1)

    def forward(self, x):
        return self.bn(self.conv(x))


class Block(nn.Module):
    """Two units with a ReLU between, plus the option-A shortcut, then ReLU."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.a = Unit(cin, cout, stride)
        self.b = Unit(cout, cout, 1)
        self.stride = stride
        self.pad = (cout - cin) // 2

    def forward(self, x):
        out = self.b(F.relu(self.a(x)))
        shortcut = x[:, :, :: self.stride, :: self.stride] if self.stride > 1 else x
        if self.pad:
            shortcut = F.pad(shortcut, (0, 0, 0, 0, self.pad, self.pad))
        return F.relu(out + shortcut)


class ResNet(nn.Module):
    def __init__(self, n, classes):
        super().__init__()
        self.stem = Unit(3, 16, 1)
        blocks, cin = [], 16
        for stage, cout in enumerate((16, 32, 64)):
            for i in range(n):
                blocks.append(Block(cin, cout, 2 if stage > 0 and i == 0 else 1))
                cin = cout
        self.blocks = nn.ModuleList(blocks)
        self.fc = nn.Linear(64, classes)

    def units(self):
        """Every conv + BN unit in network order: the lab's order for weights and BN channels."""
        return [self.stem] + [u for b in self.blocks for u in (b.a, b.b)]

    def forward(self, x):
        x = F.relu(self.stem(x))
        for block in self.blocks:
            x = block(x)
        return self.fc(x.mean(dim=(2, 3)))


class Shallow3(nn.Module):
    """cifar10_quick: three 5x5 convolutions with pooling, then two fully connected layers."""

    def __init__(self, classes):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 32, 5, padding=2)
        self.conv2 = nn.Conv2d(32, 32, 5, padding=2)
        self.conv3 = nn.Conv2d(32, 64, 5, padding=2)
        self.fc1 = nn.Linear(4 * 4 * 64, 64)
        self.fc2 = nn.Linear(64, classes)

    def forward(self, x):
        # Caffe rounds pooled sizes up: 32 -> 16 -> 8 -> 4.
        x = F.relu(F.max_pool2d(self.conv1(x), 3, 2, ceil_mode=True))
        x = F.avg_pool2d(F.relu(self.conv2(x)), 3, 2, ceil_mode=True)
        x = F.avg_pool2d(F.relu(self.conv3(x)), 3, 2, ceil_mode=True)
        # Flattened in (row, column, channel) order, as the lab's channels-last tensors are, so
        # fc1's weights mean the same in both.
        x = x.permute(0, 2, 3, 1).flatten(1)
        return self.fc2(self.fc1(x))


def num_classes():
    return NUM_CLASSES[CONFIG["dataset"]]


def build_model():
    """CONFIG's network, float32 (call .double() on it for reference checks)."""
    if CONFIG["model"] == "shallow3":
        return Shallow3(num_classes())
    return ResNet(RESNET_N[CONFIG["model"]], num_classes())


# ---------------------------------------------------------------------------------------------
# The lab's parameter list (src/core/model-spec.ts): order, layout and init rule of each tensor.
# Lab layouts: conv filters [kh, kw, in, out]; fc weights [in, out]; all BN layers' gamma and
# beta in one [2, T] array (row 0 gamma, row 1 beta, layers in network order).
# ---------------------------------------------------------------------------------------------
def _resnet_units(n):
    """(name, in channels, out channels) of every ResNet unit, in network order."""
    units, cin = [("stem", 3, 16)], 16
    for cout in (16, 32, 64):
        for _ in range(n):
            k = (len(units) - 1) // 2
            units += [("block%d.a" % k, cin, cout), ("block%d.b" % k, cout, cout)]
            cin = cout
    return units


def _lab_params():
    """(name, lab shape, init rule) per parameter, in the lab's order."""
    classes = num_classes()

    def linear(name, fan_in, out):
        init = ("uniform", 1.0 / math.sqrt(fan_in))
        return [(name + ".w", [fan_in, out], init), (name + ".b", [out], init)]

    if CONFIG["model"] == "shallow3":
        params = []
        for name, cin, cout in SHALLOW3_CONVS:
            params.append((name + ".w", [5, 5, cin, cout], ("heNormal", 25 * cin)))
            params.append((name + ".b", [cout], ("constant", 0.0)))
        return params + linear("fc1", 4 * 4 * 64, 64) + linear("fc2", 64, classes)
    units = _resnet_units(RESNET_N[CONFIG["model"]])
    convs = [(name, [3, 3, cin, cout], ("heNormal", 9 * cin)) for name, cin, cout in units]
    bn_total = sum(cout for _, _, cout in units)
    return convs + [("bn", [2, bn_total], ("rows", 1.0, 0.0))] + linear("fc", 64, classes)


def param_specs():
    """(name, shape in the lab's layout) of every parameter, in the lab's order."""
    return [(name, shape) for name, shape, _ in _lab_params()]


def initial_weights(seed):
    """The lab's initial weights as float32 tensors in lab layout (port of initialWeights).

    One Rng(seed) draws every value in parameter order: He normal (std sqrt(2 / fan_in)) for
    convolutions, uniform in +-1/sqrt(fan_in) for fully connected layers (PyTorch's nn.Linear
    default), gamma 1 and beta 0, and zero conv biases. Values are computed in float64 and
    rounded to float32 once, as the lab stores them.
    """
    rng, arrays = Rng(seed), []
    for _, shape, init in _lab_params():
        count = math.prod(shape)
        if init[0] == "heNormal":
            std = math.sqrt(2.0 / init[1])
            values = [rng.normal() * std for _ in range(count)]
        elif init[0] == "uniform":
            values = [(2.0 * rng.next() - 1.0) * init[1] for _ in range(count)]
        elif init[0] == "rows":
            values = [init[1]] * (count // 2) + [init[2]] * (count // 2)
        else:
            values = [init[1]] * count
        arrays.append(torch.tensor(values, dtype=torch.float32).reshape(shape))
    return arrays


def _torch_slots(model):
    """Per lab parameter: how it maps onto the torch model ("conv", "fc", "vec" or "bn")."""
    if isinstance(model, Shallow3):
        slots = []
        for name, _, _ in SHALLOW3_CONVS:
            conv = getattr(model, name)
            slots += [("conv", conv.weight), ("vec", conv.bias)]
        for fc in (model.fc1, model.fc2):
            slots += [("fc", fc.weight), ("vec", fc.bias)]
        return slots
    units = model.units()
    convs = [("conv", u.conv.weight) for u in units]
    return convs + [("bn", units), ("fc", model.fc.weight), ("vec", model.fc.bias)]


def set_lab_weights(model, arrays):
    """Loads weights given in the lab's order and layout (flat sequences or tensors)."""
    with torch.no_grad():
        for (name, shape), array, (kind, target) in zip(param_specs(), arrays, _torch_slots(model)):
            t = torch.as_tensor(array).reshape(shape)
            if kind == "conv":
                target.copy_(t.permute(3, 2, 0, 1))  # [kh, kw, in, out] -> [out, in, kh, kw]
            elif kind == "fc":
                target.copy_(t.t())  # [in, out] -> [out, in]
            elif kind == "vec":
                target.copy_(t)
            else:
                offset = 0
                for unit in target:
                    c = unit.bn.num_features
                    unit.bn.weight.copy_(t[0, offset : offset + c])
                    unit.bn.bias.copy_(t[1, offset : offset + c])
                    offset += c


def _in_lab_layout(model, get):
    """get(parameter) for every parameter, flattened in the lab's order and layout."""
    out = []
    for kind, target in _torch_slots(model):
        if kind == "conv":
            out.append(get(target).permute(2, 3, 1, 0).reshape(-1))
        elif kind == "fc":
            out.append(get(target).t().reshape(-1))
        elif kind == "vec":
            out.append(get(target).reshape(-1))
        else:
            gammas = torch.cat([get(u.bn.weight) for u in target])
            betas = torch.cat([get(u.bn.bias) for u in target])
            out.append(torch.cat([gammas, betas]))
    return out


def lab_weights(model):
    """The model's weights in the lab's order and layout, flat."""
    return _in_lab_layout(model, lambda p: p.detach())


def lab_grads(model):
    """The gradients (.grad) in the lab's order and layout, flat."""
    return _in_lab_layout(model, lambda p: p.grad)


def init_from_seed(model, seed):
    """The lab's seeded initialisation: the same seed gives the same network as in the lab."""
    set_lab_weights(model, initial_weights(seed))


def read_weights_file(path):
    """Reads an init.bin written by the lab (format at the top of this file)."""
    if sys.byteorder != "little":
        raise SystemExit("init files are little-endian float32; this machine is big-endian")
    with open(path, "rb") as f:
        data = f.read()
    sizes = [math.prod(shape) for _, shape in param_specs()]
    if len(data) != 4 * sum(sizes):
        raise SystemExit(
            "%s holds %d bytes; %s on %s needs %d (4 bytes per value)"
            % (path, len(data), CONFIG["model"], CONFIG["dataset"], 4 * sum(sizes))
        )
    flat = torch.frombuffer(bytearray(data), dtype=torch.float32)
    return list(torch.split(flat, sizes))
`;
