import { memo, useMemo } from 'react';
import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { LrSuggestion } from '../../core/range-test';
import { lrAxis, yAxis } from '../charts/axes';
import { HoverTooltip } from '../charts/HoverTooltip';
import { lossAxisTop, niceTicks } from '../charts/series';
import type { LabState } from '../store';
import { useLabPerFrame } from '../store/frame';
import { useLab } from '../store/hooks';
import { logTicks, markerLabelSide, rangeRows, rangeValRows } from './rows';

const selectTrain = (s: LabState) => s.rangeTrain;
const selectVal = (s: LabState) => s.rangeVal;

const COLORS = {
  raw: '#9db8dd',
  smooth: '#1d4ed8',
  val: '#c2410c',
  acc: '#15803d',
  diverged: '#b42318',
};
const PERCENT: [number, number] = [0, 100];
const PERCENT_TICKS = [0, 25, 50, 75, 100];

const MARKER_COLORS: Record<LrSuggestion['id'], string> = {
  smith: '#7c3aed',
  valley: '#0e7490',
  steepest: '#a16207',
  minimum: '#475569',
};

interface Props {
  /** The sweep's LR span, for the x axis. */
  lo: number;
  hi: number;
  suggestions: readonly LrSuggestion[];
  divergedAt: number | null;
}

/** Loss (train raw and smoothed, validation) and validation accuracy against LR, log x axis. */
export function RangeChart(props: Props) {
  const trainCount = useLab((s) => s.rangeTrain.length);
  const valCount = useLab((s) => s.rangeVal.length);
  return (
    <div
      className="chart range-chart"
      data-testid="range-chart"
      data-train-points={trainCount}
      data-val-points={valCount}
      role="figure"
      aria-label="Loss and validation accuracy against learning rate"
    >
      <RangePlot {...props} />
      {trainCount === 0 && (
        <p className="chart__empty">
          Press Start: the LR sweeps from its start to its end value, one step per batch, and the
          loss is drawn against it.
        </p>
      )}
    </div>
  );
}

const RangePlot = memo(function RangePlot({ lo, hi, suggestions, divergedAt }: Props) {
  const train = useLabPerFrame(selectTrain);
  const val = useLabPerFrame(selectVal);
  const rows = useMemo(() => rangeRows(train), [train]);
  const valData = useMemo(() => rangeValRows(val), [val]);
  // Past divergence the loss explodes: cap the axis at 3× the starting loss so the part that
  // matters (the fall before it) stays readable; the climb leaves through the top.
  const first = rows[0]?.smooth;
  const yTop = Math.min(
    lossAxisTop(
      rows,
      valData.map((v) => ({ loss: v.valLoss })),
    ),
    first === undefined ? Infinity : lossAxisTop([{ loss: 0, smooth: 3 * first }], []),
  );
  const ticks = useMemo(() => logTicks(lo, hi), [lo, hi]);
  const stepsPerEpoch = useLab((s) =>
    s.rangeRun ? Math.floor(s.rangeRun.config.trainSize / s.rangeRun.config.batchSize) : 0,
  );

  return (
    <LineChart
      responsive
      style={{ width: '100%', height: '100%' }}
      margin={{ top: 8, right: 8, bottom: 28, left: 8 }}
    >
      <CartesianGrid stroke="#e3e7ee" />
      <XAxis {...lrAxis('lr', 'Learning rate (log scale)', lo, hi, ticks)} />
      <YAxis
        {...yAxis({
          id: 'loss',
          label: 'Loss',
          domain: [0, yTop],
          ticks: niceTicks(yTop),
          clip: true,
        })}
      />
      <YAxis
        {...yAxis({
          id: 'acc',
          side: 'right',
          label: 'Val. accuracy (%)',
          domain: PERCENT,
          ticks: PERCENT_TICKS,
          width: 48,
        })}
      />
      <Tooltip content={(props) => <HoverTooltip {...props} stepsPerEpoch={stepsPerEpoch} />} />
      <Legend verticalAlign="top" />
      <Line
        yAxisId="loss"
        data={rows}
        dataKey="loss"
        name="Train loss (raw)"
        stroke={COLORS.raw}
        strokeWidth={1}
        dot={false}
        isAnimationActive={false}
      />
      <Line
        yAxisId="loss"
        data={rows}
        dataKey="smooth"
        name="Train loss (smoothed)"
        stroke={COLORS.smooth}
        strokeWidth={2.5}
        dot={false}
        isAnimationActive={false}
      />
      <Line
        yAxisId="loss"
        data={valData}
        dataKey="valLoss"
        name="Validation loss"
        stroke={COLORS.val}
        strokeWidth={2}
        dot={{ r: 3.5, fill: COLORS.val }}
        isAnimationActive={false}
      />
      <Line
        yAxisId="acc"
        data={valData}
        dataKey="accuracy"
        name="Validation accuracy"
        stroke={COLORS.acc}
        strokeWidth={2}
        strokeDasharray="5 3"
        dot={{ r: 3.5, fill: COLORS.acc }}
        isAnimationActive={false}
      />
      {suggestions.map((s, i) => (
        <ReferenceLine
          key={s.id}
          yAxisId="loss"
          x={s.lr}
          stroke={MARKER_COLORS[s.id]}
          strokeDasharray="4 3"
          ifOverflow="hidden"
          label={{
            value: s.label,
            // Inside the plot, staggered down so neighbouring markers' labels do not collide, and
            // on the side of the line facing the plot's middle: text right of a line near the
            // sweep's end ran over the accuracy axis.
            position: markerLabelSide(s.lr, lo, hi),
            className: 'range-marker-label',
            offset: 6 + 14 * i,
            fill: MARKER_COLORS[s.id],
            fontSize: 11,
          }}
        />
      ))}
      {divergedAt !== null && (
        <ReferenceLine
          yAxisId="loss"
          x={divergedAt}
          stroke={COLORS.diverged}
          strokeWidth={2}
          ifOverflow="hidden"
          label={{
            value: 'diverged',
            position: 'insideBottomLeft',
            fill: COLORS.diverged,
            fontSize: 11,
          }}
        />
      )}
    </LineChart>
  );
});
