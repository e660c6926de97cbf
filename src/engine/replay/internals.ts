/**
 * The parts of tfjs's WebGPU backend (4.22) that the step replayer reaches into, typed in one
 * place. tfjs declares most of them private; each is named here with what it does, so that an
 * upgrade that renames one fails here, in one file, and the replayer falls back to tfjs's path.
 */
import * as tf from '@tensorflow/tfjs';

export interface BufferManagerLike {
  acquireBuffer(
    size: number,
    usage: number,
    mappedAtCreation?: boolean,
    reuse?: boolean,
  ): GPUBuffer;
  releaseBuffer(buffer: GPUBuffer, reuse?: boolean): void;
}

interface TensorDataLike {
  resource: GPUBuffer | GPUTexture | null;
  values: unknown;
}

export interface ProgramLike {
  pipeline: GPUComputePipeline;
  dispatch: [number, number, number];
  shaderKey: string;
}

/** The WebGPU backend as the replayer sees it. */
export interface WebGpuInternals {
  device: GPUDevice;
  queue: GPUQueue;
  bufferManager: BufferManagerLike;
  tensorMap: { get(dataId: object): TensorDataLike | undefined };
  /** The encoder tfjs records into until its next submit (null between submits). */
  commandEncoder: GPUCommandEncoder | null;
  ensureCommandEncoderReady(): void;
  endComputePassEncoder(): void;
  /** Submits the encoder and frees what was disposed while it was pending. */
  submitQueue(): void;
  uploadToGPU(dataId: object): void;
  makeTensorInfo(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  /** Every program passes through here on its way to a compute pass. */
  recordAndSubmit(
    program: ProgramLike,
    output: tf.TensorInfo,
    inputs: tf.TensorInfo[],
    uniforms?: unknown,
  ): void;
  /** Writes one dispatch's uniforms into a fresh uniform buffer and returns its binding. */
  makeUniforms(uniforms: unknown): GPUBufferBinding;
  /**
   * Data tfjs's pending commands use: disposing one of them is put off until the next submit.
   * Replaced while recording (step-plan.ts), where a buffer may be reused at once.
   */
  commandQueueOwnedIds: { add(dataId: object): void; has(dataId: object): boolean };
  /** How many tensors share a buffer (a variable and the clones taken of it). */
  refCount(dataId: object): number;
  read(dataId: object): Promise<unknown>;
  readSync(dataId: object): unknown;
}

const NEEDED = [
  'bufferManager',
  'tensorMap',
  'ensureCommandEncoderReady',
  'endComputePassEncoder',
  'submitQueue',
  'uploadToGPU',
  'makeTensorInfo',
  'recordAndSubmit',
  'makeUniforms',
  'refCount',
  'commandQueueOwnedIds',
] as const;

/** The current backend's internals, or null when it is not tfjs's WebGPU backend as we know it. */
export function webGpuInternals(): WebGpuInternals | null {
  if (tf.getBackend() !== 'webgpu') return null;
  const b = tf.backend() as unknown as Record<string, unknown>;
  return NEEDED.every((k) => b[k] != null) ? (b as unknown as WebGpuInternals) : null;
}

/** Submits whatever tfjs has recorded, so that a queue write after this lands after that work. */
export function flush(b: WebGpuInternals): void {
  if (!b.commandEncoder) return;
  b.endComputePassEncoder();
  b.submitQueue();
}

/** The GPU buffer behind a tensor, uploading it first if its values are still on the CPU. */
export function bufferOf(b: WebGpuInternals, t: tf.TensorInfo): GPUBuffer {
  b.uploadToGPU(t.dataId);
  const resource = b.tensorMap.get(t.dataId)?.resource;
  if (!(resource instanceof GPUBuffer)) throw new Error('replay: tensor is not in a GPU buffer');
  return resource;
}
