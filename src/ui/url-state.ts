/** The configuration in the URL: read once at load, rewritten in place on every change. */
import { CONFIG_KEYS, configToQuery, parseConfigQuery, type TrainConfig } from '../core/config';
import { labStore } from './store';

const KNOWN = new Set<string>(CONFIG_KEYS);

/** Parses a query string; notices name each key changed, then each unknown key ignored. */
export function readUrlConfig(search: string): { config: TrainConfig; notices: string[] } {
  const params = new URLSearchParams(search);
  const { config, notices } = parseConfigQuery(params);
  const unknown = [...new Set(params.keys())].filter((k) => !KNOWN.has(k));
  return {
    config,
    notices: [
      ...notices.map((n) => n.message),
      ...unknown.map((k) => `${printable(k)}: not a setting of this lab; ignored`),
    ],
  };
}

function printable(s: string): string {
  const clean = s.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > 24 ? `${clean.slice(0, 24)}…` : clean;
}

/** Mirrors config changes into the URL with replaceState: no history entry per slider move. */
export function startUrlSync(): () => void {
  return labStore.subscribe((s, prev) => {
    if (s.config === prev.config) return;
    const url = `${location.pathname}?${configToQuery(s.config)}${location.hash}`;
    history.replaceState(history.state, '', url);
  });
}
