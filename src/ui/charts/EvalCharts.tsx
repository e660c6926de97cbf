/**
 * Per-evaluation views beside the loss chart: the generalisation error (validation minus smoothed
 * training loss, Smith's Fig. 1b) and top-1 / top-5 accuracy.
 */
import { memo } from 'react';
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
import { useLabPerFrame } from '../store/frame';
import type { EvalRow } from './eval-rows';
import { HoverTooltip } from './HoverTooltip';
import { liveEvalRows, selectStepsPerEpoch, selectTrain, selectVal } from './selectors';
import { niceTicks } from './series';

const COLORS = { gap: '#be185d', top1: '#0f766e', top5: '#65a30d' };

// Module constants, so the memoised plots see equal props and skip redraws between evaluations.
const GAP_LINES: PlotProps['lines'] = [
  { key: 'gap', name: 'Generalisation error', color: COLORS.gap },
];
const ACCURACY_LINES: PlotProps['lines'] = [
  { key: 'top1', name: 'Top-1', color: COLORS.top1 },
  { key: 'top5', name: 'Top-5', color: COLORS.top5 },
];
const PERCENT: [number, number] = [0, 100];

function useEvalRows(): EvalRow[] {
  return liveEvalRows(useLabPerFrame(selectTrain), useLabPerFrame(selectVal));
}

function useXMax(rows: readonly EvalRow[]): number {
  const stepsPerEpoch = useLabPerFrame(selectStepsPerEpoch);
  const total = useLabPerFrame((s) => s.run?.progress?.totalSteps ?? 0);
  return Math.max(total, rows.at(-1)?.step ?? 0, stepsPerEpoch, 1);
}

export function GenErrorChart() {
  const rows = useEvalRows();
  const xMax = useXMax(rows);
  return (
    <div
      className="chart chart--small"
      data-testid="gap-chart"
      data-points={rows.length}
      role="figure"
      aria-label="Generalisation error: validation minus training loss, at each evaluation"
    >
      <EvalPlot rows={rows} xMax={xMax} yLabel="Val − train loss" lines={GAP_LINES} zeroLine />
      {rows.length === 0 && (
        <p className="chart__empty">Generalisation error after the first evaluation.</p>
      )}
    </div>
  );
}

export function AccuracyChart() {
  const rows = useEvalRows();
  const xMax = useXMax(rows);
  return (
    <div
      className="chart chart--small"
      data-testid="accuracy-chart"
      data-points={rows.length}
      role="figure"
      aria-label="Validation accuracy, top-1 and top-5, in percent"
    >
      <EvalPlot
        rows={rows}
        xMax={xMax}
        yLabel="Accuracy (%)"
        yDomain={PERCENT}
        unit="%"
        lines={ACCURACY_LINES}
      />
      {rows.length === 0 && <p className="chart__empty">Accuracy after the first evaluation.</p>}
    </div>
  );
}

interface PlotProps {
  rows: EvalRow[];
  xMax: number;
  yLabel: string;
  yDomain?: [number, number];
  unit?: string;
  lines: { key: keyof EvalRow; name: string; color: string }[];
  zeroLine?: boolean;
}

const EvalPlot = memo(function EvalPlot({
  rows,
  xMax,
  yLabel,
  yDomain,
  unit,
  lines,
  zeroLine,
}: PlotProps) {
  return (
    <LineChart
      responsive
      data={rows}
      style={{ width: '100%', height: '100%' }}
      margin={{ top: 4, right: 16, bottom: 24, left: 8 }}
    >
      <CartesianGrid stroke="#e3e7ee" />
      <XAxis
        type="number"
        dataKey="step"
        domain={[0, xMax]}
        ticks={niceTicks(xMax)}
        allowDecimals={false}
        tick={{ fontSize: 12 }}
        label={{ value: 'Iteration', position: 'insideBottom', offset: -14 }}
      />
      <YAxis
        type="number"
        domain={yDomain ?? ['auto', 'auto']}
        tick={{ fontSize: 12 }}
        width={56}
        tickFormatter={(v: number) => String(Number(v.toPrecision(3)))}
        label={{
          value: yLabel,
          angle: -90,
          position: 'insideLeft',
          offset: 4,
          style: { textAnchor: 'middle' },
        }}
      />
      <Tooltip content={(props) => <HoverTooltip {...props} unit={unit} />} />
      <Legend verticalAlign="top" />
      {zeroLine && <ReferenceLine y={0} stroke="#94a3b8" />}
      {lines.map((l) => (
        <Line
          key={l.key}
          dataKey={l.key}
          name={l.name}
          stroke={l.color}
          strokeWidth={2}
          dot={{ r: 3, fill: l.color }}
          isAnimationActive={false}
        />
      ))}
    </LineChart>
  );
});
