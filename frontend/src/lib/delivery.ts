/**
 * How a delivery's state reads for a person. The API keeps the seed's three
 * statuses; "retrying" is derived here: pending, tried at least once, with a
 * next attempt scheduled.
 */
import type { LogSummary } from './api/webhooks';

export type DeliveryState = 'queued' | 'sending' | 'retrying' | 'done' | 'error';

export function deliveryState(l: Pick<LogSummary, 'status' | 'attempts' | 'nextAttemptAt'>): DeliveryState {
  if (l.status === 'done') return 'done';
  if (l.status === 'error') return 'error';
  if (l.attempts > 0 && l.nextAttemptAt) return 'retrying';
  // Tried before but no next time: claimed again, an attempt is running.
  return l.attempts > 0 ? 'sending' : 'queued';
}

export const stateLabel: Record<DeliveryState, string> = {
  queued: 'pending',
  sending: 'sending',
  retrying: 'retrying',
  done: 'done',
  error: 'error',
};

/** "48 s", "3 min 5 s", "1 h 12 min": a countdown's remaining time. */
export function countdown(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m} min ${s % 60} s` : `${m} min`;
  const h = Math.floor(m / 60);
  return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
}

/** "1 min", "10 s", "2 h 30 min" for a Go duration string such as "1m0s" or "2h30m0s". */
export function goDuration(d: string): string {
  const m = /^(?:(\d+)h)?(?:(\d+)m(?!s))?(?:([\d.]+)s)?(?:([\d.]+)ms)?$/.exec(d.trim());
  if (!m || d.trim() === '') return d;
  const ms = (+(m[1] ?? 0) * 3600 + +(m[2] ?? 0) * 60 + +(m[3] ?? 0)) * 1000 + +(m[4] ?? 0);
  if (ms < 1000) return `${ms} ms`;
  return countdown(ms);
}

/**
 * The error of an attempt in words. Go's network errors name the syscall;
 * a person wants "Connection refused by 127.0.0.1:9". The original stays
 * available as the detail.
 */
export function humanError(err: string): string {
  if (!err) return '';
  const addr = /(?:dial tcp|connect to|Post "[^"]*":.*?)\s*([\w.[\]:-]+:\d+)/.exec(err)?.[1];
  if (/connection refused/i.test(err)) return `Connection refused${addr ? ` by ${addr}` : ''}`;
  if (/no such host/i.test(err)) return 'The receiver’s host name could not be found';
  if (/deadline exceeded|timeout|timed out/i.test(err)) return 'The receiver did not answer in time';
  if (/connection reset/i.test(err)) return `Connection reset${addr ? ` by ${addr}` : ''}`;
  if (/certificate/i.test(err)) return 'The receiver’s TLS certificate is not trusted';
  if (/network is unreachable|no route to host/i.test(err)) return 'The receiver’s network cannot be reached';
  return err;
}

/** "1 property", "2 properties": English plurals through Intl.PluralRules. */
const rules = new Intl.PluralRules('en');
export function plural(n: number, one: string, other: string): string {
  return `${n} ${rules.select(n) === 'one' ? one : other}`;
}

/** A Go duration without its zero tails, as a person types it: "1m0s" → "1m", "2h0m0s" → "2h". */
export function goShort(d: string): string {
  return d.replace(/(\d)m0s$/, '$1m').replace(/(\d)h0m$/, '$1h');
}
