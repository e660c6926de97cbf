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
import { iterationAxis, sig3, yAxis } from './axes';
import type { EvalRow } from './eval-rows';
import { HoverTooltip } from './HoverTooltip';
import { liveEvalRows, selectStepsPerEpoch, selectTrain, selectVal } from './selectors';

const COLORS = { gap: '#be185d', top1: '#0f766e', top5: '#65a30d' };

// Module constants, so the memoised plots see equal props and skip redraws between evaluations.
const GAP_PLOT = {
  yLabel: 'Val − train loss',
  lines: [{ key: 'gap', name: 'Generalisation error', color: COLORS.gap }],
  zeroLine: true,
} satisfies Omit<PlotProps, 'rows' | 'xMax'>;
const ACCURACY_PLOT = {
  yLabel: 'Accuracy (%)',
  yDomain: [0, 100],
  unit: '%',
  lines: [
    { key: 'top1', name: 'Top-1', color: COLORS.top1 },
    { key: 'top5', name: 'Top-5', color: COLORS.top5 },
  ],
} satisfies Omit<PlotProps, 'rows' | 'xMax'>;

function useEvalRows(): EvalRow[] {
  return liveEvalRows(useLabPerFrame(selectTrain), useLabPerFrame(selectVal));
}

function useXMax(rows: readonly EvalRow[]): number {
  const stepsPerEpoch = useLabPerFrame(selectStepsPerEpoch);
  const total = useLabPerFrame((s) => s.run?.progress?.totalSteps ?? 0);
  return Math.max(total, rows.at(-1)?.step ?? 0, stepsPerEpoch, 1);
}

export function GenErrorChart() {
  return (
    <EvalChart
      testId="gap-chart"
      title="Generalisation error: validation minus training loss, at each evaluation"
      empty="Generalisation error after the first evaluation."
      plot={GAP_PLOT}
    />
  );
}

export function AccuracyChart() {
  return (
    <EvalChart
      testId="accuracy-chart"
      title="Validation accuracy, top-1 and top-5, in percent"
      empty="Accuracy after the first evaluation."
      plot={ACCURACY_PLOT}
    />
  );
}

/** One per-evaluation chart: the live rows drawn as `plot` says, with a line until the first. */
function EvalChart({
  testId,
  title,
  empty,
  plot,
}: {
  testId: string;
  title: string;
  empty: string;
  plot: Omit<PlotProps, 'rows' | 'xMax'>;
}) {
  const rows = useEvalRows();
  const xMax = useXMax(rows);
  return (
    <div
      className="chart chart--small"
      data-testid={testId}
      data-points={rows.length}
      role="figure"
      aria-label={title}
    >
      <EvalPlot rows={rows} xMax={xMax} {...plot} />
      {rows.length === 0 && <p className="chart__empty">{empty}</p>}
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
      <XAxis {...iterationAxis(xMax)} />
      <YAxis {...yAxis({ label: yLabel, domain: yDomain, format: sig3 })} />
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
