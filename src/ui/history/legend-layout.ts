/**
 * Where an exported chart writes its legend: entries flow left to right under the plot and wrap
 * to a new row at the chart's width, so long run names never run off the file's edge (the page's
 * legend is HTML beside the SVG, so an export has to write it in itself).
 */
export interface LegendEntry {
  label: string;
  colour: string;
}

export interface PlacedEntry extends LegendEntry {
  x: number;
  y: number;
}

/** Approximate advance of one character at the export's 12 px font. */
export const CHAR_WIDTH = 7;
const ROW_HEIGHT = 16;
const GAP = 14;
const MARGIN = 8;

/** Entries placed below a plot of `plotHeight`, and the height the whole file needs. */
export function layoutLegend(
  entries: readonly LegendEntry[],
  width: number,
  plotHeight: number,
): { placed: PlacedEntry[]; height: number } {
  const placed: PlacedEntry[] = [];
  let x = MARGIN;
  let row = 0;
  for (const e of entries) {
    // "■ " before the label; a label wider than the chart is cut so that it still fits.
    const room = Math.floor((width - 2 * MARGIN) / CHAR_WIDTH) - 2;
    const label = e.label.length > room ? `${e.label.slice(0, Math.max(1, room - 1))}…` : e.label;
    const w = (label.length + 2) * CHAR_WIDTH;
    if (x > MARGIN && x + w > width - MARGIN) {
      row += 1;
      x = MARGIN;
    }
    placed.push({ ...e, label, x, y: plotHeight + MARGIN + (row + 1) * ROW_HEIGHT - 4 });
    x += w + GAP;
  }
  const rows = entries.length === 0 ? 0 : row + 1;
  return { placed, height: plotHeight + (rows ? 2 * MARGIN + rows * ROW_HEIGHT : 0) };
}
