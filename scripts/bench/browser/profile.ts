// Reading a CDP CPU profile for the browser bench: which of the lab's functions, and which
// functions overall, took the main thread's time.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

/** Names of the lab's own functions (src/ui, src/core), to find them in a CPU profile. */
function labFunctionNames(): Set<string> {
  const names = new Set<string>();
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, e.name);
      if (e.isDirectory()) walk(path);
      else if (/\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) && !path.includes('/bench/'))
        for (const m of readFileSync(path, 'utf8').matchAll(/function (\w+)/g)) names.add(m[1]!);
    }
  };
  walk('src/ui');
  walk('src/core');
  return names;
}

/** Inclusive ms of the lab's own functions: their bodies plus what they call (not React children). */
export function topLabInclusive(
  profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] },
  n: number,
): string[] {
  const lab = labFunctionNames();
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const c of node.children ?? []) parent.set(c, node.id);
  const byId = new Map(profile.nodes.map((x) => [x.id, x]));
  const total = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const name = byId.get(at)!.callFrame.functionName;
      if (lab.has(name) && !seen.has(name)) {
        seen.add(name);
        total.set(name, (total.get(name) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
      }
    }
  });
  return [...total.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, ms]) => `${k} ${Math.round(ms)}ms`);
}

/** The functions with the most self time in a CDP CPU profile, in ms. */
export function topSelfTime(
  profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] },
  n: number,
): string[] {
  const byId = new Map(profile.nodes.map((x) => [x.id, x]));
  const self = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const f = byId.get(id)!.callFrame;
    if (['(idle)', '(program)', '(garbage collector)'].includes(f.functionName)) return;
    const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  return [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, ms]) => `${k} ${Math.round(ms)}ms`);
}
