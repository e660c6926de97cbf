"""A small valid CIFAR-10 binary tarball cut from the official one, for the GPU check's carry.

    python3 scripts/gpu/mini_cifar.py SRC.tar.gz OUT.tar.gz [--train 2560] [--test 100]
"""

import argparse
import io
import os
import tarfile

RECORD = 3073

p = argparse.ArgumentParser()
p.add_argument("src")
p.add_argument("out")
p.add_argument("--train", type=int, default=2560)
p.add_argument("--test", type=int, default=100)
a = p.parse_args()
keep = {"data_batch_1.bin": a.train, "test_batch.bin": a.test}
keep.update({"data_batch_%d.bin" % i: 1 for i in range(2, 6)})
blobs = {}
with tarfile.open(a.src, "r:*") as src:
    for m in src:
        name = os.path.basename(m.name)
        if m.isfile() and name in keep and name not in blobs:
            blobs[name] = src.extractfile(m).read(keep[name] * RECORD)
missing = sorted(set(keep) - set(blobs))
if missing:
    raise SystemExit("missing from %s: %s" % (a.src, ", ".join(missing)))
# data_batch_1 first: readers that scan only a prefix of the tarball find it at once.
with tarfile.open(a.out, "w:gz") as out:
    for name in sorted(blobs):
        info = tarfile.TarInfo("cifar-10-batches-bin/" + name)
        info.size = len(blobs[name])
        out.addfile(info, io.BytesIO(blobs[name]))
