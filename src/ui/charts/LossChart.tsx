import { memo, useCallback, useMemo, useState } from 'react';
import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  Tooltip,
  XAxis,
  YAxis,
  type TooltipContentProps,
} from 'recharts';
import { isActiveState, type RunState } from '../../core/run';
import type { LabState } from '../store';
import { overlayExtent } from '../history/overlays';
import { useLabPerFrame } from '../store/frame';
import { useLab } from '../store/hooks';
import { iterationAxis, yAxis } from './axes';
import { lossRows } from './eval-rows';
import { HoverTooltip } from './HoverTooltip';
import { AllActiveLegend, LiveActiveDots, LiveLines, type LiveSeries } from './LiveLines';
import { overlayClass, overlayKey, OverlayToggles, useShownOverlays } from './OverlayToggles';
import { regionAreas, useRunRegions } from './regions';
import { liveDrawnRows, liveTrainRows, selectStepsPerEpoch } from './selectors';
import { formatLossTick, logLossAxis, niceTicks, readableLossTop, valRows } from './series';
import { useThrottled } from './throttled';

const selectTrain = (s: LabState) => s.trainPoints;
const selectVal = (s: LabState) => s.valPoints;
const selectTotalSteps = (s: LabState) => s.run?.progress?.totalSteps ?? 0;

const COLORS = { raw: '#9db8dd', smooth: '#1d4ed8', val: '#c2410c' };

/** How often recharts itself gets new rows (see LossPlot). */
const CHART_DATA_MS = 250;
const CHART_STYLE = { width: '100%', height: '100%' };
const MARGIN = { top: 8, right: 16, bottom: 28, left: 8 };

/** The live run's lines, in legend and tooltip order. */
const LIVE: readonly LiveSeries[] = [
  { key: 'loss', name: 'Train loss (raw)', color: COLORS.raw, width: 1 },
  { key: 'smooth', name: 'Train loss (smoothed)', color: COLORS.smooth, width: 2.5 },
  {
    key: 'val',
    name: 'Validation loss',
    color: COLORS.val,
    width: 2,
    connectGaps: true,
    dotR: 3.5,
  },
];

/**
 * Training loss (raw and smoothed) and validation loss against iteration, drawn live. The frame
 * reports the stored point counts at once (tests and the status line agree); the plot inside
 * redraws at most once per animation frame.
 */
export function LossChart() {
  const trainCount = useLab((s) => s.trainPoints.length);
  const valCount = useLab((s) => s.valPoints.length);
  const overlayIds = useLab((s) => s.overlayIds);
  const overlayCount = overlayIds.length;
  const runState = useLab((s) => s.run?.state ?? null);
  const [logY, setLogY] = useState(false);
  // Series the user switched off, by LIVE key or overlayKey: a noisy raw curve or a diverged
  // saved run can hide the comparison the others make.
  const [hidden, setHidden] = useState<readonly string[]>([]);
  const toggle = (key: string) =>
    setHidden((h) => (h.includes(key) ? h.filter((k) => k !== key) : [...h, key]));
  // A run overlaid again from the history is shown: its switch-off went when it was removed.
  // (Adjusted while rendering, React's pattern for state that follows a prop.)
  const [seenIds, setSeenIds] = useState(overlayIds);
  if (seenIds !== overlayIds) {
    setSeenIds(overlayIds);
    const kept = hidden.filter(
      (k) => !k.startsWith('overlay:') || overlayIds.some((id) => overlayKey(id) === k),
    );
    if (kept.length !== hidden.length) setHidden(kept);
  }
  const dataPhase = useLab((s) => s.datasets[s.config.dataset]?.phase ?? null);
  const placeholder = placeholderText(runState, dataPhase);
  return (
    <div className="loss-chart-block">
      <div
        className="chart"
        data-testid="loss-chart"
        data-train-points={trainCount}
        data-val-points={valCount}
        data-log-y={logY}
        role="figure"
        aria-label="Loss against iteration"
      >
        <LossPlot logY={logY} hidden={hidden} />
        {trainCount === 0 && valCount === 0 && overlayCount === 0 && (
          <p className="chart__empty" data-testid="chart-placeholder">
            {placeholder}
          </p>
        )}
      </div>
      <div className="chart-controls" role="group" aria-label="Loss chart display">
        <label>
          <input
            type="checkbox"
            data-testid="loss-log-y"
            checked={logY}
            onChange={(e) => setLogY(e.target.checked)}
          />{' '}
          Log-scale loss axis
        </label>
        {LIVE.map((l) => (
          <label key={l.key}>
            <input
              type="checkbox"
              data-testid={`loss-series.${l.key}`}
              checked={!hidden.includes(l.key)}
              onChange={() => toggle(l.key)}
            />{' '}
            {l.name}
          </label>
        ))}
        <OverlayToggles hidden={hidden} onToggle={toggle} />
      </div>
    </div>
  );
}

/**
 * A saved run's long name ends in an ellipsis (CSS) but its "(train)" / "(val)" stays: a legend of
 * overlays keeps to a line or two and still tells the two series apart.
 */
function legendText(value: string) {
  const m = / \((train|val)\)$/.exec(value);
  if (!m) return value;
  return (
    <>
      <span className="legend-name">{value.slice(0, m.index)}</span> ({m[1]})
    </>
  );
}

/** The empty chart says what is happening now, not "Press Start" while a run starts. */
function placeholderText(state: RunState | null, data: string | null): string {
  if (state && isActiveState(state))
    return data === 'loading'
      ? 'The run starts once the images are loaded; its loss is drawn here.'
      : 'Training has started: the first losses are drawn here after the first steps.';
  if (state)
    return `The run ${state === 'done' ? 'ended' : state} before its first loss was measured.`;
  return 'Press Start to train. The training loss is drawn here as it is measured, and the validation loss after each evaluation.';
}

const LossPlot = memo(function LossPlot({
  logY,
  hidden,
}: {
  logY: boolean;
  hidden: readonly string[];
}) {
  const shown = useMemo(() => LIVE.filter((l) => !hidden.includes(l.key)), [hidden]);
  const train = useLabPerFrame(selectTrain);
  const val = useLabPerFrame(selectVal);
  const totalSteps = useLabPerFrame(selectTotalSteps);

  // Both reuse the last redraw's work: the EMA and the LTTB selection only take in new points.
  const rows = liveTrainRows(train);
  const drawn = liveDrawnRows(train);
  const valData = useMemo(() => valRows(val), [val]);
  // One row set for the live run, so hovering shows train, smoothed and validation together
  // (a line with its own `data` would make recharts' tooltip snap to that line's rows only).
  const data = useMemo(() => lossRows(drawn, rows, valData), [drawn, rows, valData]);
  // recharts gets the rows (for its tooltip) at most every CHART_DATA_MS: each new `data` makes it
  // re-run its selectors, scales, grid and axes (~half of a redraw's CPU at 20 Hz). LiveLines
  // draws the fresh rows every frame; the tooltip's rows are at most that much older.
  const chartData = useThrottled(data, CHART_DATA_MS);
  const regions = useRunRegions();
  const areas = useMemo(() => regionAreas(regions), [regions]);
  const stepsPerEpoch = useLabPerFrame(selectStepsPerEpoch);
  // Saved runs selected in the history panel, drawn over the live run.
  const overlays = useShownOverlays(hidden);
  const extent = overlayExtent(overlays);
  const extentLoss = extent.loss;
  const readable = useMemo(
    () =>
      readableLossTop(
        rows,
        extentLoss > 0 ? [...valData, { loss: extentLoss }] : valData,
        overlays.flatMap((o) => o.train.slice(0, 1).map((r) => r.smooth)),
      ),
    [rows, valData, extentLoss, overlays],
  );
  const yTop = readable.top;
  const clippedAt = readable.clippedAt;
  const lastStep = Math.max(rows.at(-1)?.step ?? 0, valData.at(-1)?.step ?? 0, extent.step);
  const xMax = Math.max(totalSteps, lastStep, 1);
  // Props recharts compares shallowly are kept equal between redraws: a new `ticks` array or
  // `label` object makes an axis re-register, and then every recharts selector re-runs.
  const xTicks = useMemo(() => niceTicks(xMax), [xMax]);
  const yTicks = useMemo(() => niceTicks(yTop), [yTop]);
  // A log axis shows every curve whole (no clipping): its decades span the smallest and largest.
  const logAxis = useMemo(
    () =>
      logY
        ? logLossAxis([
            ...rows.flatMap((r) => [r.loss, r.smooth]),
            ...valData.map((v) => v.loss),
            ...overlays.flatMap((o) => [
              ...o.train.map((r) => r.smooth),
              ...o.val.map((v) => v.loss),
            ]),
          ])
        : null,
    [logY, rows, valData, overlays],
  );
  const tooltip = useCallback(
    (props: TooltipContentProps) => <HoverTooltip {...props} stepsPerEpoch={stepsPerEpoch} />,
    [stepsPerEpoch],
  );

  return (
    <LineChart responsive data={chartData} style={CHART_STYLE} margin={MARGIN}>
      {areas}
      <CartesianGrid stroke="#e3e7ee" />
      <XAxis {...iterationAxis(xMax, xTicks, -16)} />
      <YAxis
        {...yAxis({
          label: 'Loss (cross-entropy)',
          log: logAxis !== null,
          domain: logAxis ? logAxis.domain : [0, yTop],
          ticks: logAxis ? logAxis.ticks : yTicks,
          format: formatLossTick,
          clip: true,
        })}
      />
      {clippedAt !== null && !logAxis && (
        <ReferenceLine
          y={yTop}
          stroke="#b42318"
          strokeDasharray="2 2"
          label={{
            value: `▲ off scale: loss up to ${formatLossTick(clippedAt)}`,
            position: 'insideTopRight',
            fill: '#b42318',
            fontSize: 12,
          }}
        />
      )}
      <Tooltip includeHidden content={tooltip} />
      <Legend verticalAlign="top" content={AllActiveLegend} formatter={legendText} />
      {/* Hidden from recharts' drawing, kept for its legend and tooltip; LiveLines draws them. */}
      {LIVE.map((s) => (
        <Line
          key={s.key}
          hide
          dataKey={s.key}
          name={s.name}
          stroke={s.color}
          strokeWidth={s.width}
          dot={false}
          activeDot={false}
          isAnimationActive={false}
        />
      ))}
      <LiveLines rows={data} series={shown} />
      <LiveActiveDots rows={chartData} series={shown} />
      {/* An empty `data` makes recharts draw the chart's own rows (the live run) in the overlay's
          colour, so a saved run's series is drawn only when it has points. */}
      {overlays.flatMap((o) => [
        o.train.length > 0 && (
          <Line
            key={`${o.id}-train`}
            className={overlayClass(o.id)}
            data={o.train}
            dataKey="smooth"
            name={`${o.name} (train)`}
            stroke={o.colour}
            strokeWidth={1.5}
            dot={false}
            isAnimationActive={false}
          />
        ),
        o.val.length > 0 && (
          <Line
            key={`${o.id}-val`}
            className={overlayClass(o.id)}
            data={o.val}
            dataKey="loss"
            name={`${o.name} (val)`}
            stroke={o.colour}
            strokeDasharray="5 3"
            strokeWidth={1.5}
            dot={{ r: 2.5, fill: o.colour }}
            isAnimationActive={false}
          />
        ),
      ])}
    </LineChart>
  );
});
