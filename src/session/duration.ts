/**
 * How a time limit (B9, B11) is put to a person: in the largest unit that says it exactly to a
 * tenth, so a 24-hour cap reads "24 hours", a 90-second one "1.5 minutes" and a 20-second one
 * "20 seconds", never "0 hours". The UI formats the result in the reader's language; the
 * rules use the English form in their error messages.
 */

/** A unit a limit is told in, as `Intl.NumberFormat`'s `unit` option names it. */
export type LimitUnit = 'hour' | 'minute' | 'second';

/** A limit as a number of one unit. */
export interface LimitInUnits {
  value: number;
  unit: LimitUnit;
}

const UNITS: ReadonlyArray<readonly [LimitUnit, number]> = [
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1_000],
];

/** Tolerance for the float division (ms / unit) when deciding whether a tenth is exact. */
const EPSILON = 1e-9;

/**
 * `ms` in the largest unit of which it is at least one and an exact number of tenths; else in
 * seconds, as they are (a limit of 1,234 ms is 1.234 seconds).
 */
export function limitInUnits(ms: number): LimitInUnits {
  for (const [unit, size] of UNITS) {
    const tenths = (ms / size) * 10;
    if (tenths >= 10 && Math.abs(tenths - Math.round(tenths)) < EPSILON) {
      return { value: Math.round(tenths) / 10, unit };
    }
  }
  return { value: ms / 1000, unit: 'second' };
}

/** `ms` in English ("24 hours", "1 minute", "1.5 seconds"), for developers' error messages. */
export function describeLimit(ms: number): string {
  const { value, unit } = limitInUnits(ms);
  return `${value} ${unit}${value === 1 ? '' : 's'}`;
}
