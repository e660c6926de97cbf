/** The shape and padding of one 2-D convolution (NHWC), as the filter-gradient kernels take it. */
export interface ConvGeometry {
  batch: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  outChannels: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  padTop: number;
  padLeft: number;
}

export const GEOMETRY_KEYS: (keyof ConvGeometry)[] = [
  'batch',
  'inHeight',
  'inWidth',
  'inChannels',
  'outHeight',
  'outWidth',
  'outChannels',
  'filterHeight',
  'filterWidth',
  'strideHeight',
  'strideWidth',
  'padTop',
  'padLeft',
];

/** Geometry from x, dy and the filter's shape for 'same' padding or explicit top/left pads. */
export function convGeometry(
  xShape: readonly number[],
  filterShape: readonly number[],
  stride: number | [number, number],
  pad: 'same' | 'valid' | [number, number],
): ConvGeometry {
  const [batch, inHeight, inWidth, inChannels] = xShape as [number, number, number, number];
  const [filterHeight, filterWidth, , outChannels] = filterShape as [
    number,
    number,
    number,
    number,
  ];
  const [strideHeight, strideWidth] = typeof stride === 'number' ? [stride, stride] : stride;
  let outHeight: number, outWidth: number, padTop: number, padLeft: number;
  if (pad === 'same') {
    outHeight = Math.ceil(inHeight / strideHeight);
    outWidth = Math.ceil(inWidth / strideWidth);
    padTop = Math.floor(Math.max((outHeight - 1) * strideHeight + filterHeight - inHeight, 0) / 2);
    padLeft = Math.floor(Math.max((outWidth - 1) * strideWidth + filterWidth - inWidth, 0) / 2);
  } else {
    [padTop, padLeft] = pad === 'valid' ? [0, 0] : pad;
    // Explicit pads are symmetric here (top = bottom, left = right).
    outHeight = Math.floor((inHeight + 2 * padTop - filterHeight) / strideHeight) + 1;
    outWidth = Math.floor((inWidth + 2 * padLeft - filterWidth) / strideWidth) + 1;
  }
  return {
    batch,
    inHeight,
    inWidth,
    inChannels,
    outHeight,
    outWidth,
    outChannels,
    filterHeight,
    filterWidth,
    strideHeight,
    strideWidth,
    padTop,
    padLeft,
  };
}
