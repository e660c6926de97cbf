/** Python text: reading the official CIFAR binary tarball (or its extracted folder). */
export const PY_DATA = String.raw`
# ---------------------------------------------------------------------------------------------
# Data: the official "binary version" tarballs of CIFAR-10 / CIFAR-100 (the lab reads the same
# ones). Training set = data_batch_1..5 in order (CIFAR-100: train.bin); test set = test_batch
# (test.bin). Each record: label byte(s) then 3,072 pixels, channel-planar (R, G, B planes).
# ---------------------------------------------------------------------------------------------
CIFAR_FILES = {
    # dataset: (training files, test file, bytes per record, label bytes; the last is the label)
    "cifar10": (["data_batch_%d.bin" % i for i in range(1, 6)], "test_batch.bin", 3073, 1),
    "cifar100": (["train.bin"], "test.bin", 3074, 2),  # coarse label, then the fine one we use
}


def _read_bin_files(path, wanted):
    """{base name: bytes} of the wanted files, from a .tar(.gz) or a folder (searched deeply)."""
    found = {}
    if os.path.isdir(path):
        for root, _, names in os.walk(path):
            for name in names:
                if name in wanted and name not in found:
                    with open(os.path.join(root, name), "rb") as f:
                        found[name] = f.read()
        return found
    if not os.path.exists(path):
        raise SystemExit("%s: no such file or folder" % path)
    try:
        tar = tarfile.open(path, "r:*")
    except tarfile.ReadError:
        raise SystemExit("%s is neither a folder nor a (gzipped) tar archive" % path) from None
    with tar:
        for member in tar:
            name = os.path.basename(member.name)
            if member.isfile() and name in wanted and name not in found:
                found[name] = tar.extractfile(member).read()
    return found


def _split_records(blob, name, record, label_bytes, classes):
    if len(blob) == 0 or len(blob) % record:
        raise SystemExit("%s: %d bytes, expected a multiple of %d" % (name, len(blob), record))
    rows = torch.frombuffer(bytearray(blob), dtype=torch.uint8).view(-1, record)
    labels = rows[:, label_bytes - 1].long()
    if int(labels.max()) >= classes:
        top = int(labels.max())
        raise SystemExit("%s: a label is %d, expected 0-%d" % (name, top, classes - 1))
    return rows[:, label_bytes:].reshape(-1, 3, 32, 32).clone(), labels


def load_cifar(path, dataset=None):
    """(train images uint8 [N, 3, 32, 32], train labels int64 [N], test images, test labels)."""
    dataset = dataset or CONFIG["dataset"]
    train_files, test_file, record, label_bytes = CIFAR_FILES[dataset]
    found = _read_bin_files(path, set(train_files + [test_file]))
    missing = [f for f in train_files + [test_file] if f not in found]
    if missing:
        raise SystemExit(
            "%s is not the %s binary tarball or folder: %s missing (this run uses %s)"
            % (path, dataset, ", ".join(missing), dataset)
        )
    classes = NUM_CLASSES[dataset]
    parts = [_split_records(found[f], f, record, label_bytes, classes) for f in train_files]
    train_x = torch.cat([p[0] for p in parts])
    train_y = torch.cat([p[1] for p in parts])
    test_x, test_y = _split_records(found[test_file], test_file, record, label_bytes, classes)
    return train_x, train_y, test_x, test_y
`;
