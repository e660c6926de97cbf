/** Share links: a finished run → `r=` payload → the run back, with a notice for anything bad. */
import { linkToQuery } from '../../core/link';
import {
  fromBase64Url,
  packRun,
  toBase64Url,
  unpackRun,
  type SharedRun,
} from '../../core/share-codec';
import { labStore } from '../store';
import { deflateRaw, inflateRaw } from './compress';

/** Longer `r=` values are refused unread: no run of this lab needs them. */
const MAX_PAYLOAD_CHARS = 65_536;

export async function encodeShared(run: SharedRun): Promise<string> {
  return toBase64Url(await deflateRaw(packRun(run)));
}

export async function decodeShared(
  payload: string,
): Promise<{ ok: true; run: SharedRun; notices: string[] } | { ok: false; error: string }> {
  if (payload.length > MAX_PAYLOAD_CHARS)
    return { ok: false, error: 'the shared result is too long' };
  const bytes = fromBase64Url(payload);
  if (!bytes) return { ok: false, error: 'the shared result is not valid base64url' };
  let raw: Uint8Array;
  try {
    raw = await inflateRaw(bytes);
  } catch {
    return { ok: false, error: 'the shared result is corrupt or truncated' };
  }
  return unpackRun(raw);
}

/** The current run as a share link, or null when there is nothing finished to share. */
export async function shareLinkForCurrentRun(): Promise<string | null> {
  const s = labStore.getState();
  const run = s.run;
  if (!run || s.trainPoints.length + s.valPoints.length === 0) return null;
  const shared = s.shared && s.shared.runId === run.runId ? s.shared : null;
  const record = s.historyRuns.find((r) => r.id === run.runId);
  const payload = await encodeShared({
    config: run.config,
    name: shared?.name ?? record?.name ?? 'Shared run',
    state: run.state,
    backend: shared?.backend ?? record?.backend ?? s.backend?.backend ?? null,
    imagesPerSec: run.progress?.imagesPerSec ?? 0,
    durationSec: shared?.durationSec ?? record?.durationSec ?? 0,
    totalSteps: run.progress?.totalSteps ?? s.trainPoints.at(-1)?.step ?? 0,
    createdAt: shared?.createdAt ?? record?.createdAt ?? Date.now(),
    train: s.trainPoints,
    val: s.valPoints,
  });
  const query = linkToQuery({ config: run.config, to: 'share', hide: s.hidden, shared: payload });
  return `${location.origin}${location.pathname}?${query}`;
}

/** Reads `r=` from the link at load: shows the result, or says why it cannot. */
export async function openSharedFromLink(payload: string): Promise<void> {
  const out = await decodeShared(payload);
  const s = labStore.getState();
  if (!out.ok) {
    s.addUrlNotices([`r: ${out.error}; no shared result is shown`]);
    return;
  }
  s.showShared(out.run, payload);
  if (out.notices.length > 0) labStore.getState().addUrlNotices(out.notices);
}
