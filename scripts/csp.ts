/**
 * The page's Content-Security-Policy, one source for the `vite preview` header and the `<meta>`
 * written into dist/index.html (so a static host that sets no headers still serves it locked down).
 * What the app needs and why:
 * - script-src 'self': only the bundled modules; no inline script, no eval (tfjs 4.22 and recharts
 *   run without it; e2e/csp.spec.ts trains and exports a chart under this policy).
 * - worker-src 'self': the training worker is a bundled module file.
 * - connect-src 'self': the data shards and manifest; nothing leaves the origin.
 * - img-src blob: data:: the PNG export draws the chart's SVG through a blob: image.
 * - style-src 'self': the stylesheet; React and recharts set styles through the CSSOM, which CSP allows.
 */
import type { Plugin } from 'vite';

const DIRECTIVES: [string, string][] = [
  ['default-src', "'self'"],
  ['script-src', "'self'"],
  ['worker-src', "'self'"],
  ['connect-src', "'self'"],
  ['img-src', "'self' blob: data:"],
  ['style-src', "'self'"],
  ['font-src', "'self'"],
  ['object-src', "'none'"],
  ['base-uri', "'self'"],
  ['form-action', "'none'"],
];

/** Browsers ignore these in a `<meta>` (and warn in the console), so only the header has them. */
const HEADER_ONLY: [string, string][] = [['frame-ancestors', "'none'"]];

function serialise(directives: readonly [string, string][]): string {
  return directives.map(([name, value]) => `${name} ${value}`).join('; ');
}

/** The policy as a response header (`vite preview`, or any server that can set headers). */
export const CSP_HEADER = serialise([...DIRECTIVES, ...HEADER_ONLY]);
/** The same policy for `<meta http-equiv>`: everything a meta element may carry. */
export const CSP_META = serialise(DIRECTIVES);

/**
 * Writes the policy into the built index.html. Build only: the dev server's React refresh
 * preamble is an inline script, which this policy would block.
 */
export function cspMeta(): Plugin {
  return {
    name: 'lab-csp-meta',
    apply: 'build',
    transformIndexHtml: () => [
      {
        tag: 'meta',
        attrs: { 'http-equiv': 'Content-Security-Policy', content: CSP_META },
        injectTo: 'head-prepend',
      },
    ],
  };
}
