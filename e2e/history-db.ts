import type { Page } from '@playwright/test';

/**
 * Training points the page has saved to its run history in IndexedDB (src/ui/history/db.ts), all
 * runs together: a test waits on this instead of on the recorder's 2 s save interval.
 */
export function savedTrainPoints(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open('super-convergence-lab');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains('points')) return resolve(0);
          const all = db.transaction('points').objectStore('points').getAll();
          all.onerror = () => reject(all.error);
          all.onsuccess = () => {
            const chunks = all.result as { train?: unknown[] }[];
            db.close();
            resolve(chunks.reduce((n, c) => n + (c.train?.length ?? 0), 0));
          };
        };
      }),
  );
}
