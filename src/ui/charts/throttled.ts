import { useEffect, useRef, useState } from 'react';

/**
 * `value`, passed on at most once per `ms`: the latest one at the end of each interval, so the
 * last value always arrives (within `ms`).
 */
export function useThrottled<T>(value: T, ms: number): T {
  const [shown, setShown] = useState(value);
  const shownAt = useRef(0);
  useEffect(() => {
    if (Object.is(value, shown)) return;
    // The timer is re-armed on each new value but keeps its deadline: one update per interval.
    const wait = Math.max(0, shownAt.current + ms - performance.now());
    const id = setTimeout(() => {
      shownAt.current = performance.now();
      setShown(() => value);
    }, wait);
    return () => clearTimeout(id);
  }, [value, shown, ms]);
  return shown;
}
