/** Python text: the optimizer step, evaluation, the JSONL log, the training loop and main(). */
export const PY_TRAIN = String.raw`
# ---------------------------------------------------------------------------------------------
# Optimizer: SGD with momentum and L2 weight decay added to the gradient, on every parameter
# (BN's gamma and beta and the biases too), as the lab's fused step does:
#     v <- momentum * v + g + wd * w;     w <- w - lr * v
# Written out rather than torch.optim.SGD because that skips its buffer while momentum is 0 and
# restarts it afterwards; the lab's velocity carries on. Otherwise the two are the same.
# ---------------------------------------------------------------------------------------------
@torch.no_grad()
def sgd_step(params, velocities, lr, momentum, wd):
    for w, v in zip(params, velocities):
        v.mul_(momentum).add_(w.grad).add_(w, alpha=wd)
        w.sub_(v, alpha=lr)


@torch.no_grad()
def evaluate(model, images, labels, count, batch, device, dtype):
    """Mean loss, top-1 and top-5 on the first count images, in inference mode (BN running
    statistics), in batches of the training batch size."""
    was_training = model.training
    model.eval()
    loss_sum = top1 = top5 = 0.0
    for start in range(0, count, batch):
        x = normalize(images[start : min(count, start + batch)].to(device), dtype)
        y = labels[start : min(count, start + batch)].to(device)
        logits = model(x)
        loss_sum += float(F.cross_entropy(logits, y, reduction="sum"))
        best = logits.topk(min(5, logits.shape[1]), dim=1).indices
        top1 += float((best[:, 0] == y).sum())
        top5 += float((best == y[:, None]).any(dim=1).sum())
    model.train(was_training)
    return loss_sum / count, top1 / count, top5 / count


class JsonlLog:
    """One JSON object a line, flushed at once, so a crash loses nothing and the lab can import
    the file while the run is still going."""

    def __init__(self, path):
        self.file = open(path, "w", encoding="utf-8") if path else None

    def write(self, **record):
        if self.file:
            self.file.write(json.dumps(record, allow_nan=False) + "\n")
            self.file.flush()

    def close(self):
        if self.file:
            self.file.close()


def finite_or_none(v):
    """JSON has no NaN: a diverged loss is written as null, which the lab reads back as NaN."""
    return v if math.isfinite(v) else None


def eval_steps(steps_per_epoch, epochs, evals_per_epoch):
    """Iterations (counted from 1) after which the lab evaluates: evenly within each epoch."""
    k = max(1, min(steps_per_epoch, evals_per_epoch))
    within = [js_round(j * steps_per_epoch / k) for j in range(1, k + 1)]
    return {e * steps_per_epoch + s for e in range(epochs) for s in within}


def parse_args(argv=None):
    p = argparse.ArgumentParser(description="Reproduce a super-convergence lab run in PyTorch.")
    p.add_argument("--data", required=True, help="cifar-10-binary.tar.gz (or -100), or its folder")
    p.add_argument("--steps", type=int, default=0, help="stop after this many steps (tests)")
    p.add_argument("--log", default="", help="JSONL log for the lab's history import")
    p.add_argument("--init", default="seed", help="seed (the lab's), torch (PyTorch's) or init.bin")
    p.add_argument("--device", default="", help="cpu, cuda, cuda:1 ... (default: cuda if there)")
    p.add_argument("--dtype", default="float32", choices=["float32", "float64"])
    p.add_argument("--no-augment", action="store_true", help="switch augmentation off")
    p.add_argument("--evals-per-epoch", type=int, default=EVALS_PER_EPOCH)
    return p.parse_args(argv)


def setup_distributed(device_arg):
    """(world size, rank, device). Under torchrun (WORLD_SIZE > 1) joins the process group:
    NCCL on GPUs, gloo on CPUs; one GPU per process, chosen by LOCAL_RANK."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    cuda = torch.cuda.is_available() and not device_arg.startswith("cpu")
    if world == 1:
        return 1, 0, torch.device(device_arg or ("cuda" if cuda else "cpu"))
    local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    dist.init_process_group("nccl" if cuda else "gloo")
    if cuda:
        torch.cuda.set_device(local_rank)
        return world, dist.get_rank(), torch.device("cuda", local_rank)
    return world, dist.get_rank(), torch.device("cpu")


def main(argv=None):
    args = parse_args(argv)
    world, rank, device = setup_distributed(args.device)
    dtype = torch.float64 if args.dtype == "float64" else torch.float32
    torch.manual_seed(CONFIG["seed"])  # only --init torch draws from PyTorch's generator
    train_x, train_y, test_x, test_y = load_cifar(args.data)

    n = min(CONFIG["trainSize"], len(train_x))
    batch = CONFIG["batchSize"]  # the global batch: all processes together
    if batch % world:
        raise SystemExit("batch size %d does not divide among %d processes" % (batch, world))
    local = batch // world
    steps_per_epoch = n // batch
    if steps_per_epoch < 1:
        raise SystemExit("batch size %d exceeds the %d training images" % (batch, n))
    total_steps = steps_per_epoch * CONFIG["epochs"]
    stop_at = min(total_steps, args.steps) if args.steps > 0 else total_steps
    evals = eval_steps(steps_per_epoch, CONFIG["epochs"], args.evals_per_epoch)
    val_count = min(CONFIG["valSize"], len(test_x))
    augment_on = CONFIG["augment"] == "on" and not args.no_augment

    model = build_model()
    if args.init == "seed":
        init_from_seed(model, CONFIG["seed"])
    elif args.init != "torch":
        set_lab_weights(model, read_weights_file(args.init))
    model = model.to(device=device, dtype=dtype)
    net = model
    if world > 1:
        if device.type == "cuda":
            # One set of batch statistics over the whole global batch, as in a single process.
            model = nn.SyncBatchNorm.convert_sync_batchnorm(model)
            net = nn.parallel.DistributedDataParallel(model, device_ids=[device.index])
        else:
            # gloo has no SyncBatchNorm: on CPUs each process normalises with the statistics of
            # its own share of the batch, the one way this run departs from a single process.
            net = nn.parallel.DistributedDataParallel(model)
    params = list(model.parameters())
    velocities = [torch.zeros_like(p) for p in params]
    crops_rng = Rng(CONFIG["seed"] + 1)  # every process draws every crop, so they stay in step

    log = JsonlLog(args.log if rank == 0 else "")
    log.write(
        type="header", format="lab-pytorch-log", version=1, config=CONFIG, query=QUERY,
        torch=torch.__version__, device=str(device), world=world, dtype=args.dtype, init=args.init,
        stepsPerEpoch=steps_per_epoch, totalSteps=total_steps, createdAt=int(time.time() * 1000),
    )
    started = time.perf_counter()
    step, status = 0, "done"
    net.train()
    for epoch in range(CONFIG["epochs"]):
        if step >= stop_at:
            break
        order = torch.tensor(epoch_order(epoch, n, CONFIG["seed"]))
        for s in range(steps_per_epoch):
            if step >= stop_at:
                break
            lr, momentum = schedule_at(step, total_steps, steps_per_epoch)
            # This process's share of the global batch; DDP averages the shares' gradients, so
            # the update is the mean over the whole batch, as in one process.
            mine = slice(rank * local, (rank + 1) * local)
            idx = order[s * batch : (s + 1) * batch][mine]
            if augment_on:
                crops = draw_crops(crops_rng, batch)[mine]
                x = normalize(crop_and_flip(train_x[idx], crops).to(device), dtype)
            else:
                x = normalize(train_x[idx].to(device), dtype)
            y = train_y[idx].to(device)
            loss = F.cross_entropy(net(x), y)
            for p in params:
                p.grad = None
            loss.backward()
            sgd_step(params, velocities, lr, momentum, CONFIG["wd"])
            step += 1
            value = loss.detach().clone()
            if world > 1:
                dist.all_reduce(value)
                value /= world
            value = float(value)
            log.write(type="train", step=step, loss=finite_or_none(value), lr=lr, momentum=momentum)
            if not math.isfinite(value):
                status = "diverged"
                why = "loss became %s at step %d (LR %.3g)" % (value, step, lr)
                log.write(type="end", status=status, message=why)
                break
            if step in evals and rank == 0:
                v_loss, top1, top5 = evaluate(
                    model, test_x, test_y, val_count, batch, device, dtype
                )
                log.write(
                    type="val", step=step, epoch=step / steps_per_epoch,
                    loss=finite_or_none(v_loss), top1=top1, top5=top5,
                    elapsedSec=time.perf_counter() - started,
                )
        if status == "diverged":
            break
    elapsed = time.perf_counter() - started
    if status != "diverged":
        status = "done" if step >= total_steps else "stopped"
        rate = step * batch / max(elapsed, 1e-9)
        log.write(type="end", status=status, step=step, elapsedSec=elapsed, imagesPerSec=rate)
    log.close()
    if rank == 0:
        print("%s after %d of %d steps in %.1f s" % (status, step, total_steps, elapsed))
    if world > 1:
        dist.destroy_process_group()


if __name__ == "__main__":
    main()
`;
