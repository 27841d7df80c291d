import { untrack } from 'svelte';

/**
 * One clock for every live time in the app (relative times, retry
 * countdowns). It ticks once a second; `second` changes every tick and
 * `minute` only when the minute turns, so a time that reads "5 minutes ago"
 * re-renders once a minute and one that reads "in 20 seconds" every second.
 * One interval serves every component.
 */
class Ticker {
  second = $state(Date.now());
  minute = $state(Date.now());

  constructor() {
    if (typeof window === 'undefined') return;
    setInterval(() => {
      const now = Date.now();
      this.second = now;
      if (Math.floor(now / 60_000) !== Math.floor(this.minute / 60_000)) this.minute = now;
    }, 1000);
  }

  /**
   * The current time, at the precision a time `at` (ms) needs: a reactive
   * read of `second` when it is within a minute of now (or in the future,
   * where countdowns live), of `minute` otherwise.
   */
  nowFor(at: number): number {
    // An untracked peek picks the precision; only the chosen field is a dependency.
    const s = untrack(() => this.second);
    return Math.abs(at - s) < 90_000 ? this.second : this.minute;
  }
}

export const ticker = new Ticker();
