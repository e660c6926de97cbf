/**
 * Show/hide switches for the saved runs overlaid on the loss chart, beside the live series' own:
 * with several runs overlaid, one diverged or noisy run can hide the comparison the others make.
 */
import { useMemo } from 'react';
import { useOverlaySeries, type OverlaySeries } from '../history/overlays';

/** An overlay's key in the loss chart's list of hidden series (apart from the live series' keys). */
export function overlayKey(id: string): string {
  return `overlay:${id}`;
}

/** The overlays the chart draws: every selected saved run but those switched off. */
export function useShownOverlays(hidden: readonly string[]): OverlaySeries[] {
  const all = useOverlaySeries();
  return useMemo(() => all.filter((o) => !hidden.includes(overlayKey(o.id))), [all, hidden]);
}

/** A class name for an overlay's lines from its run id (ids come from imported files). */
export function overlayClass(id: string): string {
  return `overlay-line overlay-line--${id.replace(/[^a-zA-Z0-9_-]/g, '_')}`;
}

/** One labelled checkbox per overlaid run; its name is the run's name, so a reader can tell them apart. */
export function OverlayToggles({
  hidden,
  onToggle,
}: {
  hidden: readonly string[];
  onToggle: (key: string) => void;
}) {
  const overlays = useOverlaySeries();
  return overlays.map((o) => (
    <label key={o.id} title={o.name}>
      <input
        type="checkbox"
        data-testid={`loss-overlay.${o.id}`}
        checked={!hidden.includes(overlayKey(o.id))}
        onChange={() => onToggle(overlayKey(o.id))}
      />{' '}
      <span className="overlay-toggle__swatch" style={{ background: o.colour }} aria-hidden />
      <span className="legend-name">{o.name}</span> (saved run)
    </label>
  ));
}
