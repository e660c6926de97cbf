/** Display formatting for the status line and the controls. */

/** ETA and durations: m:ss under an hour, h:mm:ss above; "—" while unknown. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds == null || !Number.isFinite(seconds) || seconds < 0) return '—';
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** Thousands separators that do not depend on the browser's locale (stable text for tests). */
export function formatCount(n: number): string {
  return Math.round(n)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export function formatPercent(fraction: number): string {
  return `${(fraction * 100).toFixed(1)}%`;
}

/** A config number as the number field shows it: no float noise, plain digits where short. */
export function formatValue(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6)));
}

export function formatRate(imagesPerSec: number): string {
  if (!Number.isFinite(imagesPerSec) || imagesPerSec <= 0) return '—';
  return imagesPerSec >= 100 ? formatCount(imagesPerSec) : imagesPerSec.toFixed(1);
}
