/** Display helpers built on the platform's Intl formatters. */

const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
const steps: [Intl.RelativeTimeFormatUnit, number][] = [
  ['second', 60],
  ['minute', 60],
  ['hour', 24],
  ['day', 30],
  ['month', 12],
  ['year', Infinity],
];

/** "3 minutes ago", "yesterday", ...; "" for a missing or unreadable date. */
export function relativeTime(when: string | Date | null | undefined, now: Date = new Date(), format = rtf): string {
  if (!when) return '';
  const t = when instanceof Date ? when : new Date(when);
  if (Number.isNaN(t.getTime())) return '';
  let delta = (t.getTime() - now.getTime()) / 1000;
  for (const [unit, size] of steps) {
    if (Math.abs(delta) < size) return format.format(Math.round(delta), unit);
    delta /= size;
  }
  return '';
}

const dtf = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** A full local date and time, for tooltips. */
export function fullTime(when: string | null | undefined): string {
  if (!when) return '';
  const t = new Date(when);
  return Number.isNaN(t.getTime()) ? when : dtf.format(t);
}
