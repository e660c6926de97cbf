// `npm run bench:browser`: figures measured in real Chromium (Playwright, the e2e launch flags).
// (a) the training-step figures of `npm run bench`, in the page, on Chromium's WebGPU;
// (b) main-thread long tasks and frame times while the production app trains a tiny run;
// (c) the same while the loss chart holds 50,000 stored points (bench-only page, real App).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { chromium, type CDPSession, type Page } from '@playwright/test';
import playwrightConfig from '../../../playwright.config';
import { TINY } from '../../../e2e/tiny';
import { installPerfProbes, summarise, type PerfLog, type WindowStats } from './frames';
import { topLabInclusive, topSelfTime } from './profile';
import type { PageStepResult } from './step-page';

const VITE = 'node_modules/vite/bin/vite.js';
/** Where the production build of the app is written for this bench (dist stays untouched). */
const APP_DIR = 'dist-bench/app';

declare global {
  interface Window {
    /** Set by the bench-only chart page (src/ui/bench/chart-page.ts). */
    __chartBench?: {
      inject(count: number): void;
      append(count: number, progress?: boolean): void;
      stored(): number;
    };
  }
}

function log(line: string): void {
  process.stdout.write(line + '\n');
}

function build(args: string[]): void {
  log(`build: vite ${args.join(' ')}`);
  const r = spawnSync(process.execPath, [VITE, ...args, '--logLevel', 'warn'], {
    stdio: 'inherit',
  });
  if (r.status !== 0) throw new Error(`vite ${args.join(' ')} failed`);
}

async function serve(args: string[], port: number): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [VITE, 'preview', ...args, '--port', String(port), '--strictPort'],
    { stdio: 'ignore' },
  );
  for (let i = 0; i < 120; i++) {
    try {
      if ((await fetch(`http://localhost:${port}/`)).status < 500) return child;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  child.kill();
  throw new Error(`vite preview on ${port} did not start`);
}

/** Set by --profile: each window also records a CPU profile and keeps its top self-time functions. */
let profiling = false;

/** Chromium's own counters (seconds): main-thread CPU time, and time in script, layout, style. */
async function metrics(cdp: CDPSession): Promise<Record<string, number>> {
  const { metrics: list } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(list.map((m) => [m.name, m.value]));
}

async function perfWindow(page: Page, act: () => Promise<void>): Promise<WindowStats> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
  if (profiling) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.start');
  }
  const before = await metrics(cdp);
  const from = await page.evaluate(() => performance.now());
  await act();
  const to = await page.evaluate(() => performance.now());
  const after = await metrics(cdp);
  const perf = (await page.evaluate(() => window.__perf)) as PerfLog;
  const stats = summarise(perf, from, to);
  const ms = (k: string) => Math.round(((after[k] ?? 0) - (before[k] ?? 0)) * 1000);
  // CPU time does not stretch when other processes hold the cores, unlike wall-clock frame times.
  stats.mainThreadCpuMs = ms('ThreadTime');
  stats.scriptMs = ms('ScriptDuration');
  stats.layoutStyleMs = ms('LayoutDuration') + ms('RecalcStyleDuration');
  if (profiling) {
    const { profile } = await cdp.send('Profiler.stop');
    stats.profileTop = topSelfTime(profile as Parameters<typeof topSelfTime>[0], 8);
    stats.profileLab = topLabInclusive(profile as Parameters<typeof topSelfTime>[0], 8);
  }
  await cdp.detach();
  return stats;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function waitReady(page: Page): Promise<void> {
  await page
    .getByTestId('status')
    .first()
    .filter({ hasText: /ready/i })
    .waitFor({ timeout: 180_000 });
}

/** (b) The production app trains the tiny e2e run; the window spans Start → done. */
async function trainingPhase(page: Page, base: string, maxSeconds: number): Promise<WindowStats> {
  await page.goto(`${base}/?${new URLSearchParams(TINY)}`);
  await waitReady(page);
  await sleep(1000);
  return perfWindow(page, async () => {
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await page
      .getByTestId('status')
      .first()
      .filter({ hasText: /done|stopped|diverged|failed/i })
      .waitFor({ timeout: maxSeconds * 1000 })
      .catch(() => log(`training: not done after ${maxSeconds} s; measured until then`));
  });
}

/** (c) The real App on the bench page, its store holding `points` train points. */
async function chartPhases(
  page: Page,
  base: string,
  points: number,
): Promise<Record<string, WindowStats>> {
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(`${base}/scripts/bench/browser/chart.html`);
  await waitReady(page);
  await sleep(1000);
  const out: Record<string, WindowStats> = {};
  const appendAt20Hz = (count: number, seconds: number, progress = false) =>
    page.evaluate<void, [number, number, boolean]>(
      ([n, s, p]) =>
        new Promise<void>((done) => {
          const id = setInterval(() => window.__chartBench!.append(n, p), 50);
          setTimeout(() => {
            clearInterval(id);
            done();
          }, s * 1000);
        }),
      [count, seconds, progress],
    );
  // Few stored points first: the chart draws at most MAX_DRAWN (700) rows, so these show
  // whether a redraw's cost follows the rows drawn or the points stored.
  for (const stored of [500, 2000]) {
    await page.evaluate((n) => window.__chartBench!.inject(n), stored);
    await sleep(1000);
    out[`append 20 Hz, ${stored} stored`] = await perfWindow(page, () => appendAt20Hz(20, 5));
  }
  out[`inject ${points}`] = await perfWindow(page, async () => {
    await page.evaluate((n) => window.__chartBench!.inject(n), points);
    await sleep(2000);
  });
  log(`chart: ${await page.evaluate(() => window.__chartBench!.stored())} points stored`);
  out['idle'] = await perfWindow(page, () => sleep(3000));
  const box = await page.getByTestId('loss-chart').boundingBox();
  if (!box) throw new Error('no loss chart on the page');
  out['hover'] = await perfWindow(page, async () => {
    for (let i = 0; i <= 100; i++) {
      const x = box.x + 70 + ((box.width - 90) * (i % 50)) / 50;
      await page.mouse.move(x, box.y + box.height / 2);
      await sleep(40);
    }
  });
  await page.mouse.move(0, 0);
  out['resize'] = await perfWindow(page, async () => {
    for (let i = 0; i < 16; i++) {
      await page.setViewportSize({ width: i % 2 ? 1280 : 960, height: 900 });
      await sleep(250);
    }
  });
  out['append 20 Hz'] = await perfWindow(page, () => appendAt20Hz(20, 5));
  // Each append with its progress event, as the worker sends them: the schedule chart's marker moves.
  out['append 20 Hz + progress'] = await perfWindow(page, () => appendAt20Hz(20, 5, true));
  // The same with the schedule chart hidden (the link's hide= parameter): the loss chart's share.
  await page.goto(`${base}/scripts/bench/browser/chart.html?hide=chart.schedule`);
  await waitReady(page);
  await page.evaluate((n) => window.__chartBench!.inject(n), points);
  await sleep(2000);
  out['append 20 Hz, no schedule'] = await perfWindow(page, () => appendAt20Hz(20, 5));
  return out;
}

async function stepPhase(
  page: Page,
  base: string,
  query: URLSearchParams,
  maxSeconds: number,
): Promise<PageStepResult> {
  page.on('console', (m) => {
    if (m.text().startsWith('ResNet') || m.text().startsWith('backend')) log(`page: ${m.text()}`);
  });
  await page.goto(`${base}/scripts/bench/browser/step.html?${query}`);
  await page.waitForFunction(() => window.__bench?.done === true, null, {
    timeout: maxSeconds * 1000,
    polling: 1000,
  });
  return (await page.evaluate(() => window.__bench)) as PageStepResult;
}

function frameRow(name: string, s: WindowStats): string {
  const cells = [
    name.padEnd(26),
    String(s.seconds).padStart(6),
    String(s.frames).padStart(6),
    String(s.frameP50).padStart(7),
    String(s.frameP95).padStart(7),
    String(s.frameMax).padStart(7),
    String(s.longTasks).padStart(5),
    String(s.longTaskMax).padStart(7),
    String(s.pointEventsPerSec).padStart(6),
    String(s.mainThreadCpuMs).padStart(7),
    String(s.scriptMs).padStart(7),
  ];
  return cells.join(' ');
}

export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: process.env.BENCH_PORT ?? '4300' },
      'no-build': { type: 'boolean', default: false },
      only: { type: 'string', default: 'train,chart,step' },
      depths: { type: 'string', default: '20,56' },
      batch: { type: 'string', default: '2' },
      steps: { type: 'string', default: '2' },
      naive: { type: 'string', default: '1' },
      points: { type: 'string', default: '50000' },
      'train-seconds': { type: 'string', default: '150' },
      profile: { type: 'boolean', default: false },
    },
  });
  const started = performance.now();
  profiling = values.profile;
  const only = new Set(values.only.split(','));
  const port = Number(values.port);
  log(
    `bench:browser — ${new Date().toISOString()}, load average ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}, Chromium ${playwrightConfig.use?.launchOptions?.executablePath ?? ''}`,
  );
  if (!values['no-build']) {
    // The bench build empties dist-bench, so it goes first; the production app build (same
    // config as `npm run build`) then lands in dist-bench/app, leaving dist to the e2e runs.
    if (only.has('chart') || only.has('step')) build(['build', '--config', 'vite.bench.config.ts']);
    if (only.has('train')) build(['build', '--outDir', APP_DIR, '--emptyOutDir']);
  }
  const servers: ChildProcess[] = [];
  const browser = await chromium.launch({
    ...playwrightConfig.use?.launchOptions,
  });
  const result: Record<string, unknown> = {};
  try {
    if (only.has('train')) servers.push(await serve(['--outDir', APP_DIR], port));
    if (only.has('chart') || only.has('step'))
      servers.push(await serve(['--config', 'vite.bench.config.ts'], port + 1));
    const app = `http://localhost:${port}`;
    const bench = `http://localhost:${port + 1}`;
    const newPage = async () => {
      const page = await browser.newPage();
      // tsx (esbuild keepNames) may wrap page functions in __name(); give the page a no-op one.
      await page.addInitScript({
        content: `var __name = (f) => f;\n(${installPerfProbes.toString()})();`,
      });
      page.on('pageerror', (e) => log(`page error: ${e.message}`));
      return page;
    };
    const frames: Record<string, WindowStats> = {};
    if (only.has('train')) {
      const page = await newPage();
      frames['app trains tiny run'] = await trainingPhase(
        page,
        app,
        Number(values['train-seconds']),
      );
      await page.close();
    }
    if (only.has('chart')) {
      const page = await newPage();
      Object.assign(frames, await chartPhases(page, bench, Number(values.points)));
      await page.close();
    }
    if (Object.keys(frames).length) {
      log('');
      log(
        'window                          s frames  p50 ms  p95 ms  max ms longT  maxLT  ev/s  cpu ms  js ms',
      );
      for (const [name, s] of Object.entries(frames)) {
        log(frameRow(name, s));
        if (s.culprits.length) log(`    long frames: ${s.culprits.join(' | ')}`);
        if (s.profileTop) log(`    self time: ${s.profileTop.join(' | ')}`);
        if (s.profileLab) log(`    lab code (inclusive): ${s.profileLab.join(' | ')}`);
      }
      result.frames = frames;
    }
    if (only.has('step')) {
      const page = await newPage();
      const q = new URLSearchParams({
        depths: values.depths,
        batch: values.batch,
        steps: values.steps,
        naive: values.naive,
      });
      const step = await stepPhase(page, bench, q, 1500);
      await page.close();
      if (step.error) log(`step bench error: ${step.error}`);
      log('');
      log(`step figures in the page (${step.backend}, ${step.adapter}), batch ${step.batch}`);
      log(
        'ResNet build   kernels  host ms (samples)          readbacks  peak MB/img  step MB/img  step+GPU ms',
      );
      for (const r of step.rows) {
        log(
          `${String(r.depth).padEnd(6)} ${r.build.padEnd(7)} ${String(r.kernels).padStart(6)}  ` +
            `${r.hostMs.toFixed(0).padStart(6)} (${r.hostMsSamples.map((x) => x.toFixed(0)).join(', ')})`.padEnd(
              28,
            ) +
            ` ${String(r.readbacks).padStart(5)}  ${(r.peakBytesPerImage / 1e6).toFixed(1).padStart(10)}` +
            `  ${(r.peakStepBytesPerImage / 1e6).toFixed(1).padStart(10)}  ${r.wallMs.toFixed(0).padStart(10)}`,
        );
      }
      result.step = step;
    }
  } finally {
    await browser.close();
    for (const s of servers) s.kill();
  }
  result.loadAverage = loadavg().map((x) => Math.round(x * 100) / 100);
  result.wallSeconds = Math.round((performance.now() - started) / 1000);
  log(JSON.stringify(result));
}
