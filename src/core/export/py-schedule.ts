/** Python text: every LR / momentum schedule of the lab, same formulas (src/core/schedules). */
export const PY_SCHEDULE = String.raw`
# ---------------------------------------------------------------------------------------------
# Schedules: LR and momentum as functions of the iteration (0 = the first batch), the lab's
# formulas in src/core/schedule.ts and src/core/schedules/. Set on the optimizer every step.
# ---------------------------------------------------------------------------------------------
def js_round(x):
    """JavaScript's Math.round (halves go up), not Python's round (halves go to even)."""
    f = math.floor(x)
    return f + 1 if x - f >= 0.5 else f


def _lerp(a, b, p):
    return a + (b - a) * p


def _momentum_range():
    """(high, low) momentum: cycled between momMax and momMin, or momMax throughout."""
    if CONFIG["momSchedule"] == "cyclic":
        return CONFIG["momMax"], CONFIG["momMin"]
    return CONFIG["momMax"], CONFIG["momMax"]


def one_cycle(step, total_steps):
    """Smith's 1cycle (2018): LR lrMin -> lrMax -> lrMin linearly over 90% of the run, momentum
    the mirror image; the last 10% anneal the LR linearly to lrMin / 100 at momentum high."""
    hi, lo = _momentum_range()
    lr_min, lr_max = CONFIG["lrMin"], CONFIG["lrMax"]
    total = max(1, total_steps)
    cycle = max(2, js_round(total * 0.9))
    half = cycle / 2
    t = min(max(step, 0), total)
    if t <= half:
        p = t / half
        return _lerp(lr_min, lr_max, p), _lerp(hi, lo, p)
    if t <= cycle:
        p = (t - half) / half
        return _lerp(lr_max, lr_min, p), _lerp(lo, hi, p)
    p = (t - cycle) / max(1, total - cycle)
    return _lerp(lr_min, lr_min * 0.01, p), hi


def cos_anneal(start, end, p):
    """Cosine from start (p = 0) to end (p = 1), exact at both ends."""
    if p <= 0:
        return start
    if p >= 1:
        return end
    return end + (start - end) / 2 * (1 + math.cos(math.pi * p))


def one_cycle_cos(step, total_steps):
    """1cycle with cosine phases as PyTorch's OneCycleLR computes it: from lrMax / div_factor
    (div_factor = lrMax / lrMin) up to lrMax over pct_start of the run, then down to
    initial / final_div; with three phases, a mirror-image fall and then the final descent."""
    hi, lo = _momentum_range()
    t_total = max(1, total_steps)
    max_lr = CONFIG["lrMax"]
    initial = max_lr / (max_lr / CONFIG["lrMin"])
    final = initial / CONFIG["finalDiv"]
    pct = CONFIG["pctStart"]
    if CONFIG["threePhase"] == "on":
        phases = [
            (pct * t_total - 1, (initial, max_lr), (hi, lo)),
            (2 * pct * t_total - 2, (max_lr, initial), (lo, hi)),
            (t_total - 1, (initial, final), (hi, hi)),
        ]
    else:
        phases = [
            (pct * t_total - 1, (initial, max_lr), (hi, lo)),
            (t_total - 1, (max_lr, final), (lo, hi)),
        ]
    i = min(max(step, 0), t_total - 1)
    # A phase lasts through its end index; past the last one, the last phase holds.
    k = next((j for j, ph in enumerate(phases) if i <= ph[0]), len(phases) - 1)
    end, lrs, moms = phases[k]
    start = 0 if k == 0 else phases[k - 1][0]
    span = end - start
    # A phase shorter than one iteration (tiny runs) is already at its end.
    p = min(1, max(0, (i - start) / span)) if span > 0 else 1
    return cos_anneal(lrs[0], lrs[1], p), cos_anneal(moms[0], moms[1], p)


def cyclic_lr(step, steps_per_epoch):
    """Smith's cyclical LR (2017) in PyTorch CyclicLR's modes: a triangle between lrMin and lrMax
    with half-cycle stepSize epochs; triangular2 halves the height each cycle, exp_range scales
    it by clrGamma every iteration. Momentum moves the other way."""
    hi, lo = _momentum_range()
    step_size = max(1, js_round(CONFIG["stepSize"] * steps_per_epoch))
    i = max(0, step)
    total = 2 * step_size
    cycle = math.floor(1 + i / total)
    x = 1 + i / total - cycle
    height = x / 0.5 if x <= 0.5 else (x - 1) / (0.5 - 1)
    mode = CONFIG["schedule"]
    if mode == "clr-triangular":
        scale = 1
    elif mode == "clr-triangular2":
        scale = 1 / 2 ** (cycle - 1)
    else:
        scale = CONFIG["clrGamma"] ** i
    lr = CONFIG["lrMin"] + (CONFIG["lrMax"] - CONFIG["lrMin"]) * height * scale
    if CONFIG["momSchedule"] != "cyclic":
        return lr, hi
    return lr, hi - (hi - lo) * height * scale


def multistep(step, steps_per_epoch):
    """The conventional baseline: lrMax, divided by dropFactor at dropAt1% and dropAt2% of the run
    (a milestone at epoch e takes effect from iteration round(e * steps_per_epoch) on)."""
    milestones = [(CONFIG[key] / 100) * CONFIG["epochs"] for key in ("dropAt1", "dropAt2")]
    drops = sum(1 for e in milestones if step >= js_round(e * steps_per_epoch))
    return CONFIG["lrMax"] / CONFIG["dropFactor"] ** drops, CONFIG["momMax"]


def schedule_at(step, total_steps, steps_per_epoch):
    """(lr, momentum) for iteration step (from 0) of CONFIG's schedule."""
    kind = CONFIG["schedule"]
    if kind == "onecycle":
        return one_cycle(step, total_steps)
    if kind == "onecycle-cos":
        return one_cycle_cos(step, total_steps)
    if kind.startswith("clr-"):
        return cyclic_lr(step, steps_per_epoch)
    if kind == "multistep":
        return multistep(step, steps_per_epoch)
    return CONFIG["lrMax"], CONFIG["momMax"]
`;
