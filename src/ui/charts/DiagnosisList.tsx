import { REGION_COLORS, useRunRegions } from './regions';

/** The shaded regions in words, under the loss chart: what each means and what to try. */
export function DiagnosisList() {
  const regions = useRunRegions();
  if (regions.length === 0) return null;
  return (
    <section className="diagnosis" aria-label="Reading the curves" data-testid="diagnosis">
      <h3>Reading the curves</h3>
      <ul>
        {regions.map((r) => (
          <li key={`${r.kind}-${r.from}`} data-testid={`diagnosis.${r.kind}`}>
            <span className="diagnosis__swatch" style={{ background: REGION_COLORS[r.kind] }} />
            <strong>{r.label}</strong>{' '}
            <span className="diagnosis__range">
              (iterations {Math.round(r.from)}–{Math.round(r.to)})
            </span>
            <p>{r.explanation}</p>
            <p className="diagnosis__try">
              <em>Try:</em> {r.suggestion}
            </p>
          </li>
        ))}
      </ul>
    </section>
  );
}
