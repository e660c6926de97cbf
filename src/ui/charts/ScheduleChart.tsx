import { memo, useMemo } from 'react';
import {
  CartesianGrid,
  DefaultZIndexes,
  Legend,
  Line,
  LineChart,
  Tooltip,
  usePlotArea,
  useXAxisScale,
  XAxis,
  YAxis,
  ZIndexLayer,
} from 'recharts';
import { runSteps, type TrainConfig } from '../../core/config';
import { scheduleFromConfig } from '../../core/schedules/from-config';
import { sampleSchedule } from '../../core/schedules/sample';
import { isActive, type LabState } from '../store';
import { useLabPerFrame } from '../store/frame';
import { useLab } from '../store/hooks';
import { iterationAxis, sig3, significant, yAxis } from './axes';
import { HoverTooltip } from './HoverTooltip';

const COLORS = { lr: '#047857', mom: '#7c3aed', now: '#b91c1c' };
const LR_DOMAIN: [number, string] = [0, 'auto'];
const SIG2 = significant(2);

/** Iterations the preview spans: the active run's own count (its dataset may be smaller). */
function previewLength(config: TrainConfig, runTotal: number | null) {
  if (runTotal !== null && runTotal > 0) {
    return { totalSteps: runTotal, stepsPerEpoch: runTotal / config.epochs };
  }
  return runSteps(config);
}

const selectStep = (s: LabState) => (isActive(s.run) ? (s.run?.progress?.step ?? null) : null);

/**
 * LR and momentum over the whole run, from the same scheduleAt the worker trains with: it follows
 * the settings before Start and marks the current iteration while a run is active.
 */
export function ScheduleChart() {
  const config = useLab((s) => (isActive(s.run) && s.run ? s.run.config : s.config));
  const runTotal = useLab((s) => (isActive(s.run) ? (s.run?.progress?.totalSteps ?? null) : null));
  const { totalSteps, stepsPerEpoch } = previewLength(config, runTotal);
  const points = useMemo(
    () =>
      stepsPerEpoch > 0
        ? sampleSchedule(scheduleFromConfig(config, stepsPerEpoch), totalSteps, stepsPerEpoch)
        : [],
    [config, totalSteps, stepsPerEpoch],
  );
  const lrPeak = points.reduce((m, p) => Math.max(m, p.lr), 0);
  // Only the marker follows training, redrawn at most once per frame.
  const step = useLabPerFrame(selectStep);

  return (
    <div
      className="chart chart--small"
      data-testid="schedule-chart"
      data-schedule={config.schedule}
      data-total-steps={totalSteps}
      data-lr-peak={lrPeak}
      data-current-step={step ?? undefined}
      role="figure"
      aria-label="Learning rate and momentum against iteration, over the whole run"
    >
      {points.length > 0 ? (
        <SchedulePlot points={points} totalSteps={totalSteps} stepsPerEpoch={stepsPerEpoch} />
      ) : (
        <p className="chart__empty">No schedule to show: the run has no whole batch.</p>
      )}
    </div>
  );
}

interface PlotProps {
  points: { step: number; lr: number; momentum: number }[];
  totalSteps: number;
  stepsPerEpoch: number;
}

const SchedulePlot = memo(function SchedulePlot({ points, totalSteps, stepsPerEpoch }: PlotProps) {
  const xMax = Math.max(1, totalSteps);

  return (
    <LineChart
      responsive
      style={{ width: '100%', height: '100%' }}
      data={points}
      margin={{ top: 4, right: 8, bottom: 24, left: 8 }}
    >
      <CartesianGrid stroke="#e3e7ee" />
      <XAxis {...iterationAxis(xMax)} />
      <YAxis
        {...yAxis({
          id: 'lr',
          label: 'Learning rate',
          labelOffset: 2,
          domain: LR_DOMAIN,
          width: 60,
          format: SIG2,
        })}
      />
      <YAxis
        {...yAxis({ id: 'mom', side: 'right', label: 'Momentum', labelOffset: 2, format: sig3 })}
      />
      <Tooltip content={(props) => <HoverTooltip {...props} stepsPerEpoch={stepsPerEpoch} />} />
      <Legend verticalAlign="top" />
      <Line
        yAxisId="lr"
        dataKey="lr"
        name="Learning rate"
        stroke={COLORS.lr}
        strokeWidth={2}
        dot={false}
        isAnimationActive={false}
      />
      <Line
        yAxisId="mom"
        dataKey="momentum"
        name="Momentum (right axis)"
        stroke={COLORS.mom}
        strokeWidth={1.5}
        strokeDasharray="5 3"
        dot={false}
        isAnimationActive={false}
      />
      <NowMarker />
    </LineChart>
  );
});

/**
 * The current iteration's marker, drawn from the x scale as a recharts ReferenceLine would be. It
 * reads the step itself, so a new step re-renders only this: as a prop of the plot it redrew the
 * whole chart (axes, both lines) on every progress event.
 */
function NowMarker() {
  const step = useLabPerFrame(selectStep);
  const xs = useXAxisScale();
  const area = usePlotArea();
  const x = step === null ? undefined : xs?.(step);
  // Off the plot (a step past the axis) it is left out, as ReferenceLine's default does.
  if (step === null || x === undefined || !area || !(x >= area.x && x <= area.x + area.width))
    return null;
  return (
    <ZIndexLayer zIndex={DefaultZIndexes.line}>
      <g className="recharts-layer recharts-reference-line" data-testid="schedule-now">
        <line
          x1={x}
          x2={x}
          y1={area.y}
          y2={area.y + area.height}
          stroke={COLORS.now}
          strokeWidth={1.5}
        />
        <text x={x - 5} y={area.y + 5} dy="0.71em" textAnchor="end" fontSize={11} fill="#808080">
          now: {step}
        </text>
      </g>
    </ZIndexLayer>
  );
}
