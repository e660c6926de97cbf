/**
 * The X and Y axes of the lab's recharts charts, built one way: numeric, 12 px ticks, the label
 * inside the plot's edge (rotated and centred on a Y axis), ticks in a few significant digits.
 * Each chart passes only what is its own (data key, domain, ticks, units).
 */
import type { XAxisProps, YAxisProps } from 'recharts';
import { formatLr, logTicks } from '../range/rows';
import { niceTicks } from './series';

const TICK = { fontSize: 12 };

/** A tick in `digits` significant digits, without trailing zeros: 0.000123, 1.5, 2300. */
export function significant(digits: number): (v: number) => string {
  return (v) => String(Number(v.toPrecision(digits)));
}

/** Three significant digits, the lab's default for values (not iterations). */
export const sig3 = significant(3);

type AxisDomain = XAxisProps['domain'];

// recharts re-registers an axis whose `label` is a new object, and every selector then re-runs:
// the same label is the same object on every render.
const labels = new Map<string, NonNullable<XAxisProps['label']>>();
function label(value: string, side: 'bottom' | 'left' | 'right', offset: number) {
  const key = `${side}|${offset}|${value}`;
  let l = labels.get(key);
  if (!l) {
    l =
      side === 'bottom'
        ? { value, position: 'insideBottom', offset }
        : {
            value,
            angle: side === 'left' ? -90 : 90,
            position: side === 'left' ? 'insideLeft' : 'insideRight',
            offset,
            style: { textAnchor: 'middle' },
          };
    labels.set(key, l);
  }
  return l;
}

interface AxisOptions {
  /** The axis title, with its unit. */
  label: string;
  /** The label's distance from the axis line, in pixels (the chart's margin decides it). */
  labelOffset?: number;
  domain?: AxisDomain;
  ticks?: readonly number[];
  /** The tick text; recharts' own when left out (iterations stay whole). */
  format?: (v: number) => string;
  /** A log scale. */
  log?: boolean;
  /** Points past the domain leave the plot instead of widening it. */
  clip?: boolean;
}

/** A numeric X axis over the rows' `dataKey`. */
export function xAxis(
  dataKey: string,
  {
    label: text,
    labelOffset = -16,
    domain,
    ticks,
    format,
    log,
    clip,
    integer,
  }: AxisOptions & {
    /** Ticks only at whole numbers (iterations). */
    integer?: boolean;
  },
): XAxisProps {
  return {
    type: 'number',
    dataKey,
    ...(log ? { scale: 'log' } : {}),
    domain,
    ...(clip || log ? { allowDataOverflow: true } : {}),
    ticks,
    ...(integer ? { allowDecimals: false } : {}),
    tick: TICK,
    tickFormatter: format,
    label: label(text, 'bottom', labelOffset),
  };
}

/** The iteration axis from 0 to `xMax`, at round steps. */
export function iterationAxis(
  xMax: number,
  ticks: readonly number[] = niceTicks(xMax),
  labelOffset = -14,
): XAxisProps {
  return xAxis('step', {
    label: 'Iteration',
    labelOffset,
    domain: [0, xMax],
    ticks,
    integer: true,
  });
}

/** A log learning-rate axis over [lo, hi] (range tests): what lies outside is clipped. */
export function lrAxis(
  dataKey: string,
  text: string,
  lo: number,
  hi: number,
  ticks: readonly number[] = logTicks(lo, hi),
): XAxisProps {
  return xAxis(dataKey, { label: text, domain: [lo, hi], ticks, format: formatLr, log: true });
}

/** A numeric Y axis on the left (or the right, for a second quantity). */
export function yAxis({
  label: text,
  labelOffset = 4,
  domain = ['auto', 'auto'],
  ticks,
  format,
  log,
  clip,
  id,
  side = 'left',
  width = 56,
}: AxisOptions & {
  /** The axis the lines name with `yAxisId`, when there are two. */
  id?: string;
  side?: 'left' | 'right';
  width?: number;
}): YAxisProps {
  return {
    ...(id === undefined ? {} : { yAxisId: id }),
    ...(side === 'right' ? { orientation: 'right' } : {}),
    type: 'number',
    ...(log ? { scale: 'log' } : {}),
    domain,
    ...(clip ? { allowDataOverflow: true } : {}),
    ticks,
    tick: TICK,
    width,
    tickFormatter: format,
    label: label(text, side, labelOffset),
  };
}
