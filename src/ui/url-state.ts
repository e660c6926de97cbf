/** The link: read once at load, rewritten in place (replaceState) on every change. */
import type { TrainConfig } from '../core/config';
import { linkToQuery, parseLink, type ParsedLink } from '../core/link';
import { labStore, type LabState } from './store';
import { sharedOnShow } from './store/link-slice';

/** Parses a whole query string: version, settings, hide list and shared payload, with notices. */
export function readUrlLink(search: string): ParsedLink {
  return parseLink(new URLSearchParams(search));
}

/** The settings part only; notices name each key changed, then each unknown key ignored. */
export function readUrlConfig(search: string): { config: TrainConfig; notices: string[] } {
  const { config, notices } = readUrlLink(search);
  return { config, notices };
}

/** The query the page should show for a state: hide and the shared payload are kept. */
export function queryFor(s: LabState): string {
  return linkToQuery({
    config: s.config,
    hide: s.hidden,
    shared: sharedOnShow(s)?.payload ?? null,
    sweepValues: s.config.mode === 'sweep' ? s.sweepText : null,
  });
}

/** Mirrors changes into the URL with replaceState: no history entry per slider move. */
export function startUrlSync(): () => void {
  let last = '';
  return labStore.subscribe((s, prev) => {
    if (
      s.config === prev.config &&
      s.hidden === prev.hidden &&
      s.shared === prev.shared &&
      s.sweepText === prev.sweepText &&
      s.run === prev.run
    )
      return;
    const query = queryFor(s);
    if (query === last) return;
    last = query;
    history.replaceState(history.state, '', `${location.pathname}?${query}${location.hash}`);
  });
}
