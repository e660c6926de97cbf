import type { ReactNode } from 'react';
import { useLab } from './store/hooks';

/** Renders its children unless the link's `hide=` names this part (classroom mode). */
export function Hideable({ name, children }: { name: string; children: ReactNode }) {
  const hidden = useLab((s) => s.hidden.includes(name));
  return hidden ? null : children;
}
