/** Display formats for the Recordings folder and the notices, from the browser's Intl. */
import { limitInUnits } from '../session/duration.js';
import { formatElapsed } from './controllers/elapsed-clock.js';

/** `H:MM:SS`, as the indicator shows it. */
export function formatDuration(seconds: number): string {
  return formatElapsed(Math.round(seconds) * 1000);
}

/** Bytes in decimal units (what file managers and S3 consoles show). */
export function formatBytes(bytes: number, locale?: string): string {
  const units = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte'] as const;
  let value = Math.max(0, bytes);
  let i = 0;
  while (value >= 1000 && i < units.length - 1) {
    value /= 1000;
    i++;
  }
  return new Intl.NumberFormat(locale, {
    style: 'unit',
    unit: units[i],
    unitDisplay: 'short',
    maximumFractionDigits: i === 0 ? 0 : 1,
  }).format(value);
}

/** A start time as a short date and time in `timeZone` (the room's, else the browser's). */
export function formatDate(epochMs: number, timeZone?: string, locale?: string): string {
  try {
    return new Intl.DateTimeFormat(locale, {
      dateStyle: 'medium',
      timeStyle: 'short',
      timeZone,
    }).format(epochMs);
  } catch {
    // An unknown time zone name must not break the folder.
    return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(
      epochMs,
    );
  }
}

/**
 * A time limit (B9, B11) as words in the reader's language: "24 hours", "15 minutes",
 * "20 seconds", "1.5 hours" (the unit chosen by `limitInUnits`).
 */
export function formatLimit(ms: number, locale?: string): string {
  const { value, unit } = limitInUnits(ms);
  return new Intl.NumberFormat(locale, {
    style: 'unit',
    unit,
    unitDisplay: 'long',
    maximumFractionDigits: 3,
  }).format(value);
}
