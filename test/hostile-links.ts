/**
 * Hostile and broken links, shared by the unit test (src/ui/url-hostile.test.ts) and the
 * end-to-end spec (e2e/hostile.spec.ts). Script payloads set `window.__pwned`: if anything from a
 * link ever runs, that probe says so.
 */
import { defaultConfig } from '../src/core/config';
import type { SharedRun } from '../src/core/share-codec';

export interface HostileLink {
  name: string;
  /** The query string, without `?`, exactly as a browser would receive it. */
  query: string;
  /** The url-notice must contain each of these. */
  notices: (string | RegExp)[];
  /** Settings the page must end up with (as the number/select controls show them). */
  settings?: Record<string, string>;
}

/** A genuine finished run of 40 steps, the valid base that corrupt payloads are made from. */
export function genuineRun(name: string): SharedRun {
  return {
    config: { ...defaultConfig(), model: 'shallow3' },
    name,
    state: 'done',
    backend: 'webgpu',
    imagesPerSec: 100,
    durationSec: 60,
    totalSteps: 40,
    createdAt: 1_700_000_000_000,
    train: Array.from({ length: 40 }, (_, i) => ({
      step: i + 1,
      loss: 2.3 - i / 40,
      lr: 0.1,
      momentum: 0.9,
    })),
    val: [{ step: 40, epoch: 1, loss: 1.9, top1: 0.3, top5: 0.8 }],
  };
}

const PWN = 'window.__pwned=1';
const enc = encodeURIComponent;

/** A 100 KB query: one huge value, then thousands of junk keys. */
function hugeQuery(): string {
  const junk = Array.from({ length: 4000 }, (_, i) => `junk${i}=${i}`).join('&');
  const q = `lrMax=${'9'.repeat(50_000)}&${junk}`;
  return q + '&pad=' + 'x'.repeat(Math.max(0, 100_000 - q.length - 5));
}

export const HOSTILE_LINKS: HostileLink[] = [
  {
    name: 'script tag in an enum value',
    query: `model=${enc(`<script>${PWN}</script>`)}`,
    notices: ['model: "<script>'],
    settings: { model: 'resnet56' },
  },
  {
    name: 'img onerror in a number value',
    query: `lrMax=${enc(`<img src=x onerror="${PWN}">`)}`,
    notices: ['lrMax: "<img src=x onerror='],
    settings: { lrMax: '0.8' },
  },
  {
    name: 'markup in a key, and a prototype key',
    query: `${enc(`<svg onload=${PWN}>`)}=1&__proto__=polluted&constructor=x`,
    notices: [
      '<svg onload=window.__pwn…: not a setting of this lab; ignored',
      '__proto__: not a setting of this lab; ignored',
    ],
  },
  {
    name: 'javascript: URL and markup in hide',
    query: `hide=${enc(`javascript:${PWN}`)},${enc('<b>x</b>')},seed`,
    notices: ['hide: javascript:window.__pwne…, <b>x</b> not part of this lab; ignored'],
  },
  {
    name: 'NaN, Infinity and an empty value',
    query: 'lrMax=NaN&epochs=Infinity&momMax=-Infinity&lrMin=',
    notices: [
      'lrMax: "NaN" is not a finite number; using 0.8',
      'epochs: "Infinity" is not a finite number; using 20',
      'momMax: "-Infinity" is not a finite number',
      'lrMin: "" is not a finite number',
    ],
    settings: { lrMax: '0.8', epochs: '20' },
  },
  {
    name: 'negatives and huge numbers',
    query: 'batchSize=-5&wd=-1&trainSize=1e308&seed=99999999999999999999&epochs=1e9',
    notices: [
      'batchSize: -5 is outside 2–1024; using 2',
      'wd: -1 is outside',
      'trainSize: 1e+308 is outside 16–50000; using 50000',
      'seed: 100000000000000000000 is outside 0–2147483647; using 2147483647',
      'epochs: 1000000000 is outside 1–400; using 400',
    ],
    settings: { batchSize: '2', epochs: '400' },
  },
  {
    name: 'repeated keys',
    query: 'lrMax=0.1&lrMax=0.2&lrMax=0.3',
    notices: ['lrMax: given 3 times; using the last'],
    settings: { lrMax: '0.3' },
  },
  {
    name: 'control characters, RTL override and broken percent-encoding',
    query: `${enc('\u202e\u0000evil')}=1&lrMax=%E0%A4%A&model=%ZZ`,
    notices: [
      '??evil: not a setting of this lab; ignored',
      'lrMax: "?%A" is not a finite number',
      'model: "%ZZ" is not one of',
    ],
  },
  {
    name: 'a 100 KB query',
    query: hugeQuery(),
    notices: [
      'lrMax: "999999999999999999999999…" is not a finite number; using 0.8',
      /junk0: not a setting of this lab; ignored/,
      /3993 more keys: not settings of this lab; ignored/,
    ],
    settings: { lrMax: '0.8' },
  },
  {
    name: 'a link from a future version',
    query: 'v=99&lrMax=0.3&quantumLr=7',
    notices: [
      'v: this link was made by a newer version of the lab (link version 99',
      'quantumLr: not a setting of this lab; ignored',
    ],
    settings: { lrMax: '0.3' },
  },
  {
    name: 'markup as the link version',
    query: `v=${enc(`<script>${PWN}</script>`)}`,
    notices: ['v: "<script>window.__pwned=1…" is not a link version; reading it as version 1'],
  },
  {
    name: 'a shared result that is not base64url',
    query: `r=${enc(`<script>${PWN}</script>`)}`,
    notices: ['r: the shared result is not valid base64url; no shared result is shown'],
  },
  {
    name: 'a shared result that is not deflate data',
    query: 'r=AAAAAAAAAAAAAAAAAAAAAAAA',
    notices: ['r: the shared result is corrupt or truncated; no shared result is shown'],
  },
  {
    name: 'a shared result longer than any run needs',
    query: `r=${'A'.repeat(70_000)}`,
    notices: ['r: the shared result is too long; no shared result is shown'],
  },
];

/**
 * A real shared-result payload with its last bytes cut off, or bit-flipped in the middle, made
 * from a genuine one (made by the page's own encoder) so the deflate stream starts valid.
 */
export function corruptPayloads(valid: string): HostileLink[] {
  const mid = Math.floor(valid.length / 2);
  const flip = valid[mid] === 'A' ? 'B' : 'A';
  return [
    {
      name: 'a truncated shared result',
      query: `r=${valid.slice(0, 4 * Math.floor(valid.length * 0.15))}`,
      notices: [/r: .*(truncated|corrupt).*; no shared result is shown/],
    },
    {
      name: 'a shared result with a flipped character',
      query: `r=${valid.slice(0, mid)}${flip}${valid.slice(mid + 1)}`,
      // deflate has no checksum: a flip may still decode (to a slightly different curve), so
      // the promise is only "no crash, nothing runs", checked for every case.
      notices: [],
    },
  ];
}

export interface HostileRunFile {
  name: string;
  /** File contents; `bytes` makes a file of that many zero bytes instead. */
  text?: string;
  bytes?: number;
  /** The import notice must contain each of these. */
  notices: string[];
  /** Runs it adds to the history. */
  imported: number;
}

const LAB = '"lab":"super-convergence-lab","version":1';

/** Run-history files (the panel's Import JSON): none may crash the page or lose a saved run. */
export const HOSTILE_RUN_FILES: HostileRunFile[] = [
  {
    name: 'malformed.json',
    text: `{${LAB},"runs":[{"name":"cut`,
    notices: ['malformed.json: ', '; nothing imported'],
    imported: 0,
  },
  {
    name: 'binary.json',
    text: '\u0000\u0001PK\u0003\u0004 not json',
    notices: ['binary.json: ', '; nothing imported'],
    imported: 0,
  },
  {
    name: 'wrong-types.json',
    text: `{${LAB},"runs":"all of them"}`,
    notices: ['wrong-types.json: not a run-history file of this lab; nothing imported'],
    imported: 0,
  },
  {
    name: 'other-app.json',
    text: '[{"name":"x"}]',
    notices: ['other-app.json: not a run-history file of this lab; nothing imported'],
    imported: 0,
  },
  {
    name: 'huge.json',
    bytes: 65 * 1024 * 1024,
    notices: ['huge.json: the file is larger than 64 MB; nothing imported'],
    imported: 0,
  },
  {
    name: 'script.json',
    text: JSON.stringify({
      lab: 'super-convergence-lab',
      version: 1,
      runs: [
        {
          id: '<script>x</script>',
          name: `<img src=x onerror="${PWN}">`,
          status: '<b>done</b>',
          config: { lrMax: `<script>${PWN}</script>`, model: 'shallow3', evil: 1 },
          train: 'not a list',
          val: [{ step: '<i>', epoch: 1, loss: 1, top1: 0.5, top5: 0.9 }],
        },
        'not a run',
      ],
    }),
    notices: [
      'script.json: imported 1 run',
      'lrMax: "<script>',
      'evil: not a setting',
      'run 2: not a run; skipped',
    ],
    imported: 1,
  },
  {
    name: 'proto.json',
    text: `{${LAB},"runs":[{"name":"Proto","__proto__":{"polluted":1},"config":{"__proto__":{"polluted":1}}}]}`,
    notices: ['proto.json: imported 1 run'],
    imported: 1,
  },
  // JSON-lines logs of the exported PyTorch script (src/core/pytorch-log.ts).
  {
    name: 'pytorch-script.jsonl',
    text: [
      JSON.stringify({
        type: 'header',
        format: 'lab-pytorch-log',
        version: 1,
        torch: `<img src=x onerror="${PWN}">`,
        config: { lrMax: `<script>${PWN}</script>`, model: 'shallow3', evil: 1 },
      }),
      '{"type":"train","step":1,"loss":2.3,"lr":0.1,"momentum":0.9}',
      '{"type":"train","step":"<i>","loss":1,"lr":0.1,"momentum":0.9}',
      '{"type":"train","step":2,"loss"',
      '{"type":"val","step":1,"epoch":1,"loss":2,"top1":9,"top5":9}',
    ].join('\n'),
    notices: [
      'pytorch-script.jsonl: imported 1 run',
      'lrMax: "<script>',
      'evil: not a setting',
      '1 line not understood; skipped',
      'no end line; imported as stopped',
    ],
    imported: 1,
  },
  {
    name: 'other-log.jsonl',
    text: '{"type":"header","format":"someone-else"}\n{"type":"train","step":1}',
    notices: ['other-log.jsonl: not a run log of this lab; nothing imported'],
    imported: 0,
  },
];
