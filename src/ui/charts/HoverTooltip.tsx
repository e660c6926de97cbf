/** The part of recharts' tooltip content props this reads. */
interface HoverProps {
  active?: boolean;
  payload?: readonly {
    value?: unknown;
    name?: unknown;
    color?: string;
    payload?: unknown;
    graphicalItemId?: string;
    dataKey?: unknown;
  }[];
  stepsPerEpoch?: number;
  unit?: string;
}

/** What a hovered row carries besides its plotted values. */
interface HoverRow {
  step?: number;
  epoch?: number;
  lr?: number;
  momentum?: number;
}

const sig = (v: number, digits = 4) => String(Number(v.toPrecision(digits)));

/**
 * One tooltip for every chart: the step, epoch, LR and momentum of the hovered row, then each
 * plotted value. `stepsPerEpoch` gives the epoch where the row has none (the loss chart's rows).
 */
export function HoverTooltip({ active, payload, stepsPerEpoch = 0, unit = '' }: HoverProps) {
  if (!active || !payload || payload.length === 0) return null;
  const row = (payload[0]?.payload ?? {}) as HoverRow;
  const epoch =
    row.epoch ??
    (row.step !== undefined && stepsPerEpoch > 0 ? row.step / stepsPerEpoch : undefined);
  const facts: [string, string][] = [];
  if (row.step !== undefined) facts.push(['Step', String(row.step)]);
  if (epoch !== undefined) facts.push(['Epoch', epoch.toFixed(2)]);
  // A chart that plots LR or momentum (the schedule preview) lists it once, as a plotted value.
  const plotted = new Set(payload.map((p) => p.dataKey));
  if (row.lr !== undefined && Number.isFinite(row.lr) && !plotted.has('lr'))
    facts.push(['LR', sig(row.lr, 3)]);
  if (row.momentum !== undefined && Number.isFinite(row.momentum) && !plotted.has('momentum'))
    facts.push(['Momentum', sig(row.momentum, 3)]);

  return (
    <div className="hover-tip" data-testid="chart-tooltip">
      <dl>
        {facts.map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
        {payload.map((p) =>
          typeof p.value === 'number' && Number.isFinite(p.value) ? (
            <div key={`${p.graphicalItemId}-${String(p.name)}`} style={{ color: p.color }}>
              <dt>{String(p.name)}</dt>
              <dd>
                {sig(p.value)}
                {unit}
              </dd>
            </div>
          ) : null,
        )}
      </dl>
    </div>
  );
}
