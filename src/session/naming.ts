/**
 * Recording file names and object keys (B12): `Rec - YYYY-MM-DD HH:MM:SS - <title>` in the
 * Recordings folder of the room, safe as a storage key whatever the meeting title holds.
 */
import { describeValue } from './parse.js';
import {
  isBlankSegment,
  normalizeText,
  portableFileName,
  sanitizeSegment,
  truncateUtf8,
  utf8Length,
} from './sanitize.js';

/** The default template: `Rec - 2026-11-26 14:03:00 - Weekly class`. */
export const DEFAULT_FILE_NAME_TEMPLATE = 'Rec - {date} {time} - {title}';

/** The title used when the meeting has none (empty or only white space). */
export const UNTITLED_MEETING = 'Untitled meeting';

/** At most this many UTF-8 bytes of the title go into a file name. */
export const MAX_TITLE_BYTES = 200;

/** At most this many UTF-8 bytes of a room id go into a key. */
export const MAX_ROOM_ID_BYTES = 200;

/** At most this many UTF-8 bytes of template text around the tokens. */
export const MAX_TEMPLATE_BYTES = 200;

/** Where every room's folder lives unless the integrator says otherwise: `rooms/<room>/...`. */
export const DEFAULT_KEY_PREFIX = 'rooms';

/** The folder of a room that holds its recordings. */
export const RECORDINGS_FOLDER = 'Recordings';

/** The extension of every recording. */
export const RECORDING_EXTENSION = '.mp4';

/** Template tokens and what they become. */
export const FILE_NAME_TOKENS = ['date', 'time', 'title'] as const;

export interface FileNameOptions {
  /**
   * IANA time zone of `{date}` and `{time}`, e.g. `Europe/Berlin` (the room's time zone).
   * Default `UTC`. Resolved with `Intl.DateTimeFormat`, so daylight saving time applies.
   */
  timeZone?: string;
  /**
   * The name's template. Tokens: `{date}` (YYYY-MM-DD), `{time}` (HH:MM:SS, 24-hour),
   * `{title}` (the sanitized title). At least one token; no `/`, `\` or control characters.
   * Default {@link DEFAULT_FILE_NAME_TEMPLATE}.
   */
  template?: string;
  /** Title used when the given one is empty. Default {@link UNTITLED_MEETING}. */
  fallbackTitle?: string;
}

/** A recording's names. */
export interface RecordingName {
  /** The name without extension, safe as one key segment: `Rec - 2026-11-26 14:03:00 - Class`. */
  name: string;
  /** The name users see and download: `name` + `.mp4`. */
  fileName: string;
  /**
   * The full title for metadata: never cut, slashes kept; only control characters and
   * invisible direction marks removed and white space collapsed; the fallback when empty.
   */
  title: string;
  /** The time zone the date and time are in. */
  timeZone: string;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    try {
      formatter = new Intl.DateTimeFormat('en-US', {
        timeZone,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
        hourCycle: 'h23',
      });
    } catch {
      throw new RangeError(
        `Unknown time zone ${describeValue(timeZone)}: expected an IANA time zone name such as "UTC" or "Europe/Berlin".`,
      );
    }
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** `{ date: 'YYYY-MM-DD', time: 'HH:MM:SS' }` of an instant in a time zone. */
export function formatDateTime(epochMs: number, timeZone = 'UTC'): { date: string; time: string } {
  if (
    typeof epochMs !== 'number' ||
    !Number.isFinite(epochMs) ||
    isNaN(new Date(epochMs).getTime())
  ) {
    throw new TypeError(
      `Invalid recording start time ${describeValue(epochMs)}: expected epoch milliseconds.`,
    );
  }
  if (typeof timeZone !== 'string' || timeZone.trim() === '') {
    throw new TypeError(
      `Invalid time zone ${describeValue(timeZone)}: expected an IANA time zone name such as "UTC".`,
    );
  }
  const parts: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(epochMs)) parts[part.type] = part.value;
  const pad = (value: string | undefined, width: number) => (value ?? '').padStart(width, '0');
  return {
    date: `${pad(parts['year'], 4)}-${pad(parts['month'], 2)}-${pad(parts['day'], 2)}`,
    time: `${pad(parts['hour'], 2)}:${pad(parts['minute'], 2)}:${pad(parts['second'], 2)}`,
  };
}

/**
 * Checks a file name template.
 * @throws TypeError for an empty template, an unknown `{token}`, no token at all, a `/`,
 *   `\` or control character, or more than {@link MAX_TEMPLATE_BYTES} bytes of text.
 */
export function validateTemplate(template: unknown): string {
  if (typeof template !== 'string' || template.trim() === '') {
    throw new TypeError(
      `Invalid file name template ${describeValue(template)}: expected text with {date}, {time} or {title}, e.g. "${DEFAULT_FILE_NAME_TEMPLATE}".`,
    );
  }
  const tokens = [...template.matchAll(/\{([^{}]*)\}/g)].map((m) => m[1] ?? '');
  const unknown = tokens.find((t) => !(FILE_NAME_TOKENS as readonly string[]).includes(t));
  if (unknown !== undefined) {
    throw new TypeError(
      `Unknown token {${unknown}} in file name template ${describeValue(template)}: allowed are {date}, {time} and {title}.`,
    );
  }
  if (tokens.length === 0) {
    throw new TypeError(
      `File name template ${describeValue(template)} has no token: use at least one of {date}, {time} and {title}.`,
    );
  }
  // eslint-disable-next-line no-control-regex
  if (/[/\\\u0000-\u001f\u007f-\u009f]/.test(template)) {
    throw new TypeError(
      `File name template ${describeValue(template)} holds a "/", "\\" or control character: a name cannot make folders.`,
    );
  }
  const text = template.replace(/\{[^{}]*\}/g, '');
  if (utf8Length(text) > MAX_TEMPLATE_BYTES) {
    throw new TypeError(
      `File name template is too long: ${utf8Length(text)} bytes of text, at most ${MAX_TEMPLATE_BYTES}.`,
    );
  }
  return template;
}

/**
 * The title as it goes into a name: sanitized as a key segment, cut to at most
 * {@link MAX_TITLE_BYTES} UTF-8 bytes between characters, the fallback when nothing is left.
 */
export function titleForName(title: string, fallbackTitle = UNTITLED_MEETING): string {
  const safe = truncateUtf8(sanitizeSegment(title), MAX_TITLE_BYTES);
  return isBlankSegment(safe)
    ? truncateUtf8(sanitizeSegment(fallbackTitle), MAX_TITLE_BYTES)
    : safe;
}

/**
 * The names of a recording that started at `startedAt` (epoch ms) in a meeting titled
 * `title`. By default `Rec - YYYY-MM-DD HH:MM:SS - <title>` in UTC; `opts.timeZone` gives
 * the room's IANA time zone (resolved with `Intl.DateTimeFormat`), `opts.template` another
 * layout. The title in the name is sanitized (see {@link titleForName}); the full title is
 * returned for metadata.
 *
 * @throws TypeError for a start time that is not a date, a title that is not a string or a
 *   bad template; RangeError for an unknown time zone.
 */
export function recordingFileName(
  startedAt: number,
  title: string,
  opts: FileNameOptions = {},
): RecordingName {
  if (typeof title !== 'string') {
    throw new TypeError(`Invalid meeting title ${describeValue(title)}: expected a string.`);
  }
  const timeZone = opts.timeZone ?? 'UTC';
  const template = validateTemplate(opts.template ?? DEFAULT_FILE_NAME_TEMPLATE);
  const fallback = opts.fallbackTitle ?? UNTITLED_MEETING;
  if (typeof fallback !== 'string' || isBlankSegment(sanitizeSegment(fallback))) {
    throw new TypeError(
      `Invalid fallback title ${describeValue(fallback)}: expected a non-empty string.`,
    );
  }
  const { date, time } = formatDateTime(startedAt, timeZone);
  const values: Record<string, string> = { date, time, title: titleForName(title, fallback) };
  // The title is already sanitized; sanitizing the whole again only tidies white space the
  // template may hold, and keeps the promise that `name` is a safe segment.
  const name = sanitizeSegment(
    template.replace(/\{(date|time|title)\}/g, (_, t: string) => values[t] ?? ''),
  );
  const full = normalizeText(title);
  return {
    name,
    fileName: `${name}${RECORDING_EXTENSION}`,
    title: full === '' ? normalizeText(fallback) : full,
    timeZone,
  };
}

/**
 * The name a recording downloads under (`Content-Disposition`): its file name made portable
 * (see {@link portableFileName}: `14:03:00` becomes `14.03.00`, Windows refusing the colon),
 * so every desktop saves it as it is and no browser rewrites it.
 */
export function downloadFileName(fileName: string): string {
  const base = fileName.replace(/\.mp4\s*$/i, '');
  return portableFileName(base, RECORDING_EXTENSION);
}

/**
 * The name of a part of a recording kept apart from its file: what a device recorded that
 * the file never got, because another device had continued the recording meanwhile (X9).
 * `Rec - 2026-11-26 14:03:00 - Class.mp4` from 1:02:07 into it is
 * `Rec - 2026-11-26 14:03:00 - Class (part from 1h02m07s).mp4`.
 */
export function partFileName(fileName: string, fromMs: number): string {
  const base = fileName.replace(/\.mp4\s*$/i, '');
  const s = Math.max(0, Math.floor(fromMs / 1000));
  const hms = `${Math.floor(s / 3600)}h${pad2(Math.floor(s / 60) % 60)}m${pad2(s % 60)}s`;
  return `${base} (part from ${hms})${RECORDING_EXTENSION}`;
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/**
 * The object key of a recording: `<prefix>/<roomId>/Recordings/<fileName>.mp4`.
 *
 * Every part is sanitized as in {@link sanitizeSegment}: the prefix may hold folders (`/`),
 * but its empty and dot-only folders are dropped; the room id is one segment of at most
 * {@link MAX_ROOM_ID_BYTES} bytes; `fileName` may come with or without `.mp4`.
 *
 * @throws TypeError when the prefix is not a string, or the room id or file name is not a
 *   string or has nothing left once sanitized.
 */
export function objectKey(prefix: string, roomId: string, fileName: string): string {
  if (typeof prefix !== 'string') {
    throw new TypeError(
      `Invalid key prefix ${describeValue(prefix)}: expected a string such as "rooms".`,
    );
  }
  const folders = prefix
    .split(/[/\\]/)
    .map(sanitizeSegment)
    .filter((segment) => !isBlankSegment(segment));
  if (typeof roomId !== 'string') {
    throw new TypeError(`Invalid room id ${describeValue(roomId)}: expected a non-empty string.`);
  }
  const room = truncateUtf8(sanitizeSegment(roomId), MAX_ROOM_ID_BYTES);
  if (isBlankSegment(room)) {
    throw new TypeError(
      `Invalid room id ${describeValue(roomId)}: nothing is left once "/", "\\", dots and control characters are removed.`,
    );
  }
  if (typeof fileName !== 'string') {
    throw new TypeError(`Invalid file name ${describeValue(fileName)}: expected a string.`);
  }
  const base = sanitizeSegment(fileName.replace(/\.mp4\s*$/i, ''));
  if (isBlankSegment(base)) {
    throw new TypeError(
      `Invalid file name ${describeValue(fileName)}: nothing is left once "/", "\\", dots and control characters are removed.`,
    );
  }
  return [...folders, room, RECORDINGS_FOLDER, `${base}${RECORDING_EXTENSION}`].join('/');
}
