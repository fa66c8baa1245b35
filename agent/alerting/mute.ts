// Mute time intervals (Alertmanager's `time_intervals` shape, UTC): while one holds, the routes
// naming it send nothing; what they would have sent goes out at their first flush after it.
import type { MuteInterval } from './config.js';

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

function inWeekdays(ranges: string[], day: number): boolean {
  if (ranges.length === 0) return true;
  return ranges.some((r) => {
    const [a, b = a] = r.toLowerCase().split(':').map((d) => WEEKDAYS.indexOf(d.trim()));
    return a! <= b! ? day >= a! && day <= b! : day >= a! || day <= b!;
  });
}

/** Whether `nowMs` lies in the interval (any of its time_intervals: weekday and time of day, UTC, end exclusive). */
export function inInterval(m: MuteInterval, nowMs: number): boolean {
  const d = new Date(nowMs);
  const minute = d.getUTCHours() * 60 + d.getUTCMinutes();
  return m.time_intervals.some((ti) => inWeekdays(ti.weekdays, d.getUTCDay())
    && (ti.times.length === 0 || ti.times.some((t) => minute >= minutes(t.start_time) && minute < minutes(t.end_time))));
}

/** Whether any of the named intervals holds now. */
export function muted(all: readonly MuteInterval[], names: readonly string[], nowMs: number): boolean {
  return names.some((n) => { const m = all.find((x) => x.name === n); return m !== undefined && inInterval(m, nowMs); });
}
