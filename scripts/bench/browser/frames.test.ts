import { describe, expect, it } from 'vitest';
import { summarise, type PerfLog } from './frames';

describe('summarise', () => {
  it('takes frame deltas, long tasks and metric events inside the window only', () => {
    // 60 Hz frames with one 200 ms gap, from t = 0 to t = 1000 ms.
    const frames: number[] = [];
    for (let t = 0; t <= 400; t += 16) frames.push(t);
    for (let t = 600; t <= 1000; t += 16) frames.push(t);
    const log: PerfLog = {
      frames: [...frames, 5000],
      longtasks: [
        { start: 410, duration: 180 },
        { start: 3000, duration: 900 },
      ],
      loafs: [{ start: 410, duration: 190, scripts: ['FrameRequestCallback render x.js:1 180ms'] }],
      pointEvents: [100, 500, 900, 4000],
    };
    const s = summarise(log, 0, 1000);
    expect(s.frameP50).toBe(16);
    expect(s.frameMax).toBe(200);
    expect(s.longTasks).toBe(1);
    expect(s.longTaskMax).toBe(180);
    expect(s.pointEventsPerSec).toBe(3);
    expect(s.culprits).toEqual(['FrameRequestCallback render x.js:1 180ms']);
  });
});
