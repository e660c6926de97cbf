/** Overlay colours, distinct from the live run's blue and orange (Tableau 10, reordered). */
const COLOURS = [
  '#59a14f',
  '#b07aa1',
  '#e15759',
  '#76b7b2',
  '#edc948',
  '#9c755f',
  '#ff9da7',
  '#bab0ac',
];

export function overlayColour(index: number): string {
  return COLOURS[index % COLOURS.length] as string;
}
