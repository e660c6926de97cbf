import { memo, useMemo } from 'react';
import { CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import type { LabState } from '../store';
import { overlayExtent, useOverlaySeries } from '../history/overlays';
import { useLabPerFrame } from '../store/frame';
import { useLab } from '../store/hooks';
import { lossRows } from './eval-rows';
import { HoverTooltip } from './HoverTooltip';
import { regionAreas, useRunRegions } from './regions';
import { liveDrawnRows, liveTrainRows, selectStepsPerEpoch } from './selectors';
import { lossAxisTop, niceTicks, valRows } from './series';

const selectTrain = (s: LabState) => s.trainPoints;
const selectVal = (s: LabState) => s.valPoints;
const selectTotalSteps = (s: LabState) => s.run?.progress?.totalSteps ?? 0;

const COLORS = { raw: '#9db8dd', smooth: '#1d4ed8', val: '#c2410c' };

/**
 * Training loss (raw and smoothed) and validation loss against iteration, drawn live. The frame
 * reports the stored point counts at once (tests and the status line agree); the plot inside
 * redraws at most once per animation frame.
 */
export function LossChart() {
  const trainCount = useLab((s) => s.trainPoints.length);
  const valCount = useLab((s) => s.valPoints.length);
  const overlayCount = useLab((s) => s.overlayIds.length);
  return (
    <div
      className="chart"
      data-testid="loss-chart"
      data-train-points={trainCount}
      data-val-points={valCount}
      role="figure"
      aria-label="Loss against iteration"
    >
      <LossPlot />
      {trainCount === 0 && valCount === 0 && overlayCount === 0 && (
        <p className="chart__empty">
          Press Start to train. The training loss is drawn here as it is measured, and the
          validation loss after each evaluation.
        </p>
      )}
    </div>
  );
}

const LossPlot = memo(function LossPlot() {
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
  const regions = useRunRegions();
  const areas = useMemo(() => regionAreas(regions), [regions]);
  const stepsPerEpoch = useLabPerFrame(selectStepsPerEpoch);
  // Saved runs selected in the history panel, drawn over the live run.
  const overlays = useOverlaySeries();
  const extent = overlayExtent(overlays);
  const yTop = lossAxisTop(rows, extent.loss > 0 ? [...valData, { loss: extent.loss }] : valData);
  const lastStep = Math.max(rows.at(-1)?.step ?? 0, valData.at(-1)?.step ?? 0, extent.step);
  const xMax = Math.max(totalSteps, lastStep, 1);

  return (
    <LineChart
      responsive
      data={data}
      style={{ width: '100%', height: '100%' }}
      margin={{ top: 8, right: 16, bottom: 28, left: 8 }}
    >
      {areas}
      <CartesianGrid stroke="#e3e7ee" />
      <XAxis
        type="number"
        dataKey="step"
        domain={[0, xMax]}
        ticks={niceTicks(xMax)}
        allowDecimals={false}
        tick={{ fontSize: 12 }}
        label={{ value: 'Iteration', position: 'insideBottom', offset: -16 }}
      />
      <YAxis
        type="number"
        domain={[0, yTop]}
        allowDataOverflow
        ticks={niceTicks(yTop)}
        tick={{ fontSize: 12 }}
        width={56}
        label={{
          value: 'Loss (cross-entropy)',
          angle: -90,
          position: 'insideLeft',
          offset: 4,
          style: { textAnchor: 'middle' },
        }}
      />
      <Tooltip content={(props) => <HoverTooltip {...props} stepsPerEpoch={stepsPerEpoch} />} />
      <Legend verticalAlign="top" />
      <Line
        dataKey="loss"
        name="Train loss (raw)"
        stroke={COLORS.raw}
        strokeWidth={1}
        dot={false}
        isAnimationActive={false}
      />
      <Line
        dataKey="smooth"
        name="Train loss (smoothed)"
        stroke={COLORS.smooth}
        strokeWidth={2.5}
        dot={false}
        isAnimationActive={false}
      />
      <Line
        dataKey="val"
        connectNulls
        name="Validation loss"
        stroke={COLORS.val}
        strokeWidth={2}
        dot={{ r: 3.5, fill: COLORS.val }}
        isAnimationActive={false}
      />
      {overlays.flatMap((o) => [
        <Line
          key={`${o.id}-train`}
          data={o.train}
          dataKey="smooth"
          name={`${o.name} (train)`}
          stroke={o.colour}
          strokeWidth={1.5}
          dot={false}
          isAnimationActive={false}
        />,
        <Line
          key={`${o.id}-val`}
          data={o.val}
          dataKey="loss"
          name={`${o.name} (val)`}
          stroke={o.colour}
          strokeDasharray="5 3"
          strokeWidth={1.5}
          dot={{ r: 2.5, fill: o.colour }}
          isAnimationActive={false}
        />,
      ])}
    </LineChart>
  );
});
