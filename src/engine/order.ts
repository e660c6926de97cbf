/**
 * Which training images each epoch visits, fixed by the seed. Epoch 0 walks the shards in
 * order (each shard's images shuffled) so training starts as soon as shard 0 has loaded; later
 * epochs use a full permutation of the training prefix.
 */
import { SHARD_IMAGES } from '../core/dataset';
import { Rng } from '../core/rng';

export function epochOrder(epoch: number, n: number, seed: number): Uint32Array {
  if (epoch > 0) return new Rng(seed).fork(0x5eed + epoch).permutation(n);
  const order = new Uint32Array(n);
  for (let start = 0, k = 0; start < n; start += SHARD_IMAGES, k++) {
    const len = Math.min(SHARD_IMAGES, n - start);
    const perm = new Rng(seed).fork(0x5a4d + k).permutation(len);
    for (let i = 0; i < len; i++) order[start + i] = start + perm[i]!;
  }
  return order;
}
