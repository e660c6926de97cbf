// Main-thread responsiveness in the page: rAF frame deltas and long tasks, collected by an init
// script and summarised per measured window. Shared by the browser bench's phases.

export interface PerfLog {
  frames: number[];
  longtasks: { start: number; duration: number }[];
  /** long-animation-frame entries: which scripts made a frame long (Chromium ≥ 123) */
  loafs: { start: number; duration: number; scripts: string[] }[];
  /** times the loss chart's stored point count changed (one per metrics event reaching the UI) */
  pointEvents: number[];
}

declare global {
  interface Window {
    __perf?: PerfLog;
  }
}

/** Runs in the page before its own scripts (Playwright addInitScript; CSP does not apply). */
export function installPerfProbes(): void {
  const log: PerfLog = { frames: [], longtasks: [], loafs: [], pointEvents: [] };
  window.__perf = log;
  const tick = (t: number) => {
    log.frames.push(t);
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  new PerformanceObserver((list) => {
    for (const e of list.getEntries())
      log.longtasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        const scripts = ((e as unknown as { scripts?: Record<string, unknown>[] }).scripts ?? [])
          .filter((s) => Number(s.duration) >= 10)
          .map(
            (s) =>
              `${String(s.invoker ?? s.invokerType ?? '?')} ${String(s.sourceFunctionName ?? '')}` +
              ` ${String(s.sourceURL ?? '')
                .split('/')
                .pop()}:${String(s.sourceCharPosition ?? '')}` +
              ` ${Math.round(Number(s.duration))}ms`,
          );
        log.loafs.push({ start: e.startTime, duration: e.duration, scripts });
      }
    }).observe({ type: 'long-animation-frame', buffered: true });
  } catch {
    // No long-animation-frame support: long tasks alone.
  }
  const watch = () => {
    new MutationObserver(() => log.pointEvents.push(performance.now())).observe(document.body, {
      subtree: true,
      attributes: true,
      attributeFilter: ['data-train-points'],
    });
  };
  if (document.body) watch();
  else document.addEventListener('DOMContentLoaded', watch);
}

export interface WindowStats {
  seconds: number;
  frames: number;
  frameP50: number;
  frameP95: number;
  frameMax: number;
  longTasks: number;
  longTaskMax: number;
  longTaskTotalMs: number;
  /** metrics events that reached the chart in the window, per second */
  pointEventsPerSec: number;
  /** the scripts named by the longest long-animation-frame entries */
  culprits: string[];
  /** main-thread CPU time in the window (Chromium's ThreadTime), and its script part */
  mainThreadCpuMs?: number;
  scriptMs?: number;
  layoutStyleMs?: number;
  /** with --profile: the functions with the most self time in the window */
  profileTop?: string[];
  /** with --profile: the lab's own functions by inclusive time */
  profileLab?: string[];
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

export function summarise(log: PerfLog, from: number, to: number): WindowStats {
  const t = log.frames.filter((x) => x >= from && x <= to);
  const deltas = t.slice(1).map((x, i) => x - t[i]!);
  deltas.sort((a, b) => a - b);
  const tasks = log.longtasks.filter((x) => x.start >= from && x.start <= to);
  const loafs = log.loafs
    .filter((x) => x.start >= from && x.start <= to && x.scripts.length > 0)
    .sort((a, b) => b.duration - a.duration);
  const culprits = [...new Set(loafs.flatMap((l) => l.scripts))].slice(0, 3);
  const r1 = (x: number) => Math.round(x * 10) / 10;
  return {
    seconds: r1((to - from) / 1000),
    frames: t.length,
    frameP50: r1(quantile(deltas, 0.5)),
    frameP95: r1(quantile(deltas, 0.95)),
    frameMax: r1(deltas.at(-1) ?? NaN),
    longTasks: tasks.length,
    longTaskMax: r1(Math.max(0, ...tasks.map((x) => x.duration))),
    longTaskTotalMs: r1(tasks.reduce((s, x) => s + x.duration, 0)),
    pointEventsPerSec: r1(
      log.pointEvents.filter((x) => x >= from && x <= to).length / ((to - from) / 1000),
    ),
    culprits,
  };
}
