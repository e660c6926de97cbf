/** Python text: the lab's seeded generator, data order and augmentation, ported bit for bit. */
export const PY_RNG = String.raw`
# ---------------------------------------------------------------------------------------------
# Seeded random numbers: mulberry32, bit for bit the lab's src/core/rng.ts, so one seed gives the
# same initial weights, batch order and crop/flip draws in the lab and here. Pure Python on
# purpose (no numpy): it draws a few numbers per image, never per pixel.
# ---------------------------------------------------------------------------------------------
MASK32 = 0xFFFFFFFF


def _imul(a, b):
    """The low 32 bits of a 32-bit product (JavaScript's Math.imul, read as unsigned)."""
    return (a * b) & MASK32


class Rng:
    """mulberry32: the state advances by a constant, the output is a mix of the state."""

    def __init__(self, seed):
        self.state = int(seed) & MASK32

    def next(self):
        """Uniform in [0, 1), with 32 random bits."""
        self.state = (self.state + 0x6D2B79F5) & MASK32
        t = self.state
        t = _imul(t ^ (t >> 15), t | 1)
        t ^= (t + _imul(t ^ (t >> 7), t | 61)) & MASK32
        return ((t ^ (t >> 14)) & MASK32) / 4294967296.0

    def int(self, n):
        """Integer in [0, n)."""
        return math.floor(self.next() * n)

    def normal(self):
        """Standard normal by Box-Muller (two uniforms; a zero first uniform is drawn again)."""
        u = 0.0
        while u == 0.0:
            u = self.next()
        return math.sqrt(-2.0 * math.log(u)) * math.cos(2.0 * math.pi * self.next())

    def fork(self, salt):
        """A derived generator, so the init, shuffle and augmentation streams never overlap."""
        return Rng(_imul(self.int(2**31) ^ salt, 0x9E3779B1) ^ salt)

    def permutation(self, n):
        """Fisher-Yates shuffle of 0..n-1, drawing from the top down as the lab does."""
        p = list(range(n))
        for i in range(n - 1, 0, -1):
            j = self.int(i + 1)
            p[i], p[j] = p[j], p[i]
        return p


def epoch_order(epoch, n, seed):
    """Training-image indices of one epoch (the lab's src/engine/order.ts).

    Epoch 0 walks the lab's 5,000-image shards in order, each shard shuffled, because the lab
    starts training before later shards have downloaded; later epochs shuffle all n images.
    """
    if epoch > 0:
        return Rng(seed).fork(0x5EED + epoch).permutation(n)
    order = []
    for k, start in enumerate(range(0, n, SHARD_IMAGES)):
        length = min(SHARD_IMAGES, n - start)
        order.extend(start + i for i in Rng(seed).fork(0x5A4D + k).permutation(length))
    return order


# ---------------------------------------------------------------------------------------------
# Augmentation (He et al.): pad 4 zero pixels each side, crop 32x32 at a random offset, flip
# half the images left-right; then normalise each channel. The lab draws, per image and in this
# order, the row offset, the column offset and the flip, from one Rng(seed + 1) for the run.
# ---------------------------------------------------------------------------------------------
PAD = 4


def draw_crops(rng, count):
    """(dy, dx, flip) for count images: offsets 0..8 into the padded image."""
    crops = []
    for _ in range(count):
        dy = rng.int(2 * PAD + 1)
        dx = rng.int(2 * PAD + 1)
        flip = rng.next() < 0.5
        crops.append((dy, dx, flip))
    return crops


def crop_and_flip(x, crops):
    """Applies the drawn crops to raw images x [N, 3, 32, 32] (padding is raw pixel 0)."""
    h, w = x.shape[2], x.shape[3]
    padded = F.pad(x, (PAD, PAD, PAD, PAD))
    out = torch.empty_like(x)
    for i, (dy, dx, flip) in enumerate(crops):
        patch = padded[i, :, dy : dy + h, dx : dx + w]
        out[i] = patch.flip(-1) if flip else patch
    return out


def normalize(x, dtype=torch.float32):
    """(x - mean) * (1 / std) per channel, in 0-255 units; the lab multiplies by 1/std too."""
    mean, std = CHANNEL_STATS[CONFIG["dataset"]]
    m = torch.tensor(mean, dtype=dtype, device=x.device).view(1, 3, 1, 1)
    inv = torch.tensor([1.0 / s for s in std], dtype=dtype, device=x.device).view(1, 3, 1, 1)
    return (x.to(dtype) - m) * inv


def augment(x, rng, dtype=torch.float32):
    """Random crop and flip of a batch of raw images, drawn from rng, then normalised."""
    return normalize(crop_and_flip(x, draw_crops(rng, x.shape[0])), dtype)
`;
