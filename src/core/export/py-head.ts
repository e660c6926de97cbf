/** Python text: the script's docstring, imports and the run's settings. */
import { CONFIG_KEYS, scheduleUses, type TrainConfig } from '../config';
import { CHANNEL_STATS, NUM_CLASSES, SHARD_IMAGES } from '../dataset';

/** A Python literal for a config value: JSON's numbers and strings are valid Python. */
function py(v: string | number): string {
  return JSON.stringify(v);
}

/** Which run this is, in words, wrapped for the docstring (settings are schema-checked). */
function describe(c: TrainConfig): string {
  const uses = scheduleUses(c);
  const lr = uses.lrMin ? `LR ${c.lrMin} to ${c.lrMax}` : `LR ${c.lrMax}`;
  const mom = uses.momMin ? `momentum ${c.momMax} to ${c.momMin}` : `momentum ${c.momMax}`;
  const epochs = `${c.epochs} epoch${c.epochs === 1 ? '' : 's'}`;
  const words = (
    `Run: ${c.model} on ${c.dataset}, ${epochs} of ${c.trainSize} images, batch ${c.batchSize}, ` +
    `${c.schedule} schedule, ${lr}, ${mom}, weight decay ${c.wd}, seed ${c.seed}, ` +
    `augmentation ${c.augment}.`
  ).split(' ');
  const lines = [''];
  for (const w of words) {
    const last = lines.length - 1;
    if (lines[last] && `${lines[last]} ${w}`.length > 96) lines.push(w);
    else lines[last] = lines[last] ? `${lines[last]} ${w}` : w;
  }
  return lines.join('\n');
}

export function pyHead(c: TrainConfig, query: string): string {
  const config = CONFIG_KEYS.map((k) => `    ${py(k)}: ${py(c[k])},`).join('\n');
  const stats = (['cifar10', 'cifar100'] as const)
    .map((d) => {
      const { mean, std } = CHANNEL_STATS[d];
      return `    "${d}": (${py3(mean)}, ${py3(std)}),`;
    })
    .join('\n');
  return String.raw`#!/usr/bin/env python3
"""Reproduces a run of the super-convergence lab in PyTorch.

${describe(c)}

    python3 train.py --data cifar-10-binary.tar.gz [--steps N] [--log run.jsonl]
    torchrun --nproc_per_node=2 train.py --data cifar-10-binary.tar.gz --log run.jsonl
    torchrun --nnodes=2 --node_rank=R --master_addr=HOST --nproc_per_node=8 train.py --data ...

"The same run" as in the lab: the same initial weights (drawn from the seed by a bit-exact port of
the lab's generator, or read from an init.bin the lab wrote), the same images in the same order
per batch, the same crop and flip draws, the same LR / momentum per iteration, the same SGD update
with weight decay, the same evaluation cadence. Float32 arithmetic differs between frameworks
(summation order, fused kernels), so losses agree closely for the first steps and then drift
apart as chaotic training amplifies the rounding; docs/pytorch.md in the lab has measurements.

With several processes (torchrun) the global batch stays batchSize: each process takes its share
of every batch and DDP averages the gradients, so steps, schedule and updates are the same.

--log writes JSON lines that the lab's Run history imports (Import JSON / PyTorch log): a header
with the settings, {"type": "train"} per step, {"type": "val"} per evaluation, {"type": "end"}
at the end.

--init init.bin: raw little-endian float32, every parameter of param_specs() concatenated in that
order and in the lab's layouts: conv filters [kh, kw, in, out], fully connected weights
[in, out], biases [out], and all batch-norm layers' gamma and beta in one [2, T] array (row 0
gamma, row 1 beta; layers in network order, T = their channels together).

Needs only torch (1.12 or later); no torchvision, no numpy.
"""
import argparse
import json
import math
import os
import sys
import tarfile
import time

import torch
import torch.distributed as dist
import torch.nn as nn
import torch.nn.functional as F

# The run's settings as the lab's schema names them (src/core/config.ts). Functions read them at
# call time, so a test may import this file and change them.
CONFIG = {
${config}
}
# The lab link these settings came from (open it in the lab to see the run's settings).
QUERY = ${py(query)}
# Validation passes per epoch, evenly spaced; the lab evaluates once, at each epoch's end.
EVALS_PER_EPOCH = 1
# Per-channel mean and standard deviation of each training set, in 0-255 pixel units.
CHANNEL_STATS = {
${stats}
}
NUM_CLASSES = {"cifar10": ${NUM_CLASSES.cifar10}, "cifar100": ${NUM_CLASSES.cifar100}}
# The lab's data shards hold this many images; epoch 0 shuffles within each (see epoch_order).
SHARD_IMAGES = ${SHARD_IMAGES}
`;
}

function py3(v: readonly number[]): string {
  return `(${v.map((x) => py(x)).join(', ')})`;
}
