/**
 * Pause/stop state of the one active run, read by the engine between steps. The page hears
 * 'paused' only once the engine really waits, so no point arrives after it.
 */
export class RunGate {
  private paused = false;
  private stopped = false;
  private wake: (() => void) | null = null;

  /**
   * `yieldTask` resolves in a later task; `onWait` hears when the run starts and stops waiting.
   */
  constructor(
    private readonly yieldTask: () => Promise<void>,
    private readonly onWait: (waiting: boolean) => void = () => {},
  ) {}

  pause(): void {
    this.paused = true;
  }
  resume(): void {
    this.paused = false;
    this.wake?.();
  }
  stop(): void {
    this.stopped = true;
    this.wake?.();
  }
  get isPaused(): boolean {
    return this.paused;
  }
  /** Resolves true to go on (after waiting while paused), false once stopped. */
  async checkpoint(): Promise<boolean> {
    if (!this.paused || this.stopped) {
      // Let page commands sent meanwhile (pause, stop) in before the next step: on the cpu backend
      // a run never leaves microtasks otherwise, and Pause or Stop waits for the run's end.
      await this.yieldTask();
      return !this.stopped;
    }
    this.onWait(true);
    while (this.paused && !this.stopped) {
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = null;
    }
    if (!this.stopped) this.onWait(false);
    return !this.stopped;
  }
}

/** Resolves in a later task through a MessageChannel round trip (no 4 ms timer clamp). */
export function channelTask(): () => Promise<void> {
  const channel = new MessageChannel();
  const waiters: (() => void)[] = [];
  channel.port1.onmessage = () => waiters.shift()?.();
  return () =>
    new Promise((resolve) => {
      waiters.push(resolve);
      channel.port2.postMessage(null);
    });
}
