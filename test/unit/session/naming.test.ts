import { describe, expect, it } from 'vitest';
import {
  MAX_TITLE_BYTES,
  objectKey,
  recordingFileName,
  truncateUtf8,
  utf8Length,
  downloadFileName,
} from '../../../src/session/index.js';
import { partFileName } from '../../../src/session/naming.js';

const T0 = Date.UTC(2026, 10, 26, 14, 3, 0);
const PREFIX = 'Rec - 2026-11-26 14:03:00 - ';

/** The title part of a default name. */
const titlePart = (title: string) => {
  const { name } = recordingFileName(T0, title);
  expect(name.startsWith(PREFIX)).toBe(true);
  return name.slice(PREFIX.length);
};

describe('file name', () => {
  it('B12: default name is "Rec - YYYY-MM-DD HH:MM:SS - <title>" in UTC', () => {
    expect(recordingFileName(T0, 'Weekly class')).toEqual({
      name: 'Rec - 2026-11-26 14:03:00 - Weekly class',
      fileName: 'Rec - 2026-11-26 14:03:00 - Weekly class.mp4',
      title: 'Weekly class',
      timeZone: 'UTC',
    });
  });

  it('B12: the room time zone applies, with daylight saving time and date changes', () => {
    expect(recordingFileName(T0, 'X', { timeZone: 'Europe/Berlin' }).name).toBe(
      'Rec - 2026-11-26 15:03:00 - X',
    );
    expect(recordingFileName(T0, 'X', { timeZone: 'America/Los_Angeles' }).name).toBe(
      'Rec - 2026-11-26 06:03:00 - X',
    );
    expect(recordingFileName(T0, 'X', { timeZone: 'Asia/Kolkata' }).name).toBe(
      'Rec - 2026-11-26 19:33:00 - X',
    );
    // Summer time in Berlin is UTC+2.
    expect(
      recordingFileName(Date.UTC(2026, 6, 1, 12, 0, 0), 'X', { timeZone: 'Europe/Berlin' }).name,
    ).toBe('Rec - 2026-07-01 14:00:00 - X');
    // Late evening in UTC is the next morning in Tokyo.
    expect(
      recordingFileName(Date.UTC(2026, 11, 31, 23, 30, 5), 'X', { timeZone: 'Asia/Tokyo' }),
    ).toMatchObject({ name: 'Rec - 2027-01-01 08:30:05 - X', timeZone: 'Asia/Tokyo' });
  });

  it('B12: midnight is 00, not 24', () => {
    expect(recordingFileName(Date.UTC(2026, 0, 1, 0, 0, 0), 'New year').name).toBe(
      'Rec - 2026-01-01 00:00:00 - New year',
    );
  });

  it('B12: an integrator template changes the layout', () => {
    expect(recordingFileName(T0, 'Class', { template: '{title} ({date} at {time})' })).toEqual({
      name: 'Class (2026-11-26 at 14:03:00)',
      fileName: 'Class (2026-11-26 at 14:03:00).mp4',
      title: 'Class',
      timeZone: 'UTC',
    });
    expect(recordingFileName(T0, 'Class', { template: 'Aufnahme {date}_{time}' }).name).toBe(
      'Aufnahme 2026-11-26_14:03:00',
    );
  });

  it('B12: bad templates, time zones and times are refused with a clear error', () => {
    expect(() => recordingFileName(T0, 'X', { template: 'Rec {when} {title}' })).toThrow(
      new TypeError(
        'Unknown token {when} in file name template "Rec {when} {title}": allowed are {date}, {time} and {title}.',
      ),
    );
    expect(() => recordingFileName(T0, 'X', { template: 'Recording' })).toThrow(
      'File name template "Recording" has no token: use at least one of {date}, {time} and {title}.',
    );
    expect(() => recordingFileName(T0, 'X', { template: '../{title}' })).toThrow(
      /holds a "\/", "\\" or control character/,
    );
    expect(() => recordingFileName(T0, 'X', { template: '' })).toThrow(TypeError);
    expect(() => recordingFileName(T0, 'X', { timeZone: 'Mars/Olympus_Mons' })).toThrow(
      new RangeError(
        'Unknown time zone "Mars/Olympus_Mons": expected an IANA time zone name such as "UTC" or "Europe/Berlin".',
      ),
    );
    expect(() => recordingFileName(Number.NaN, 'X')).toThrow(
      'Invalid recording start time number NaN: expected epoch milliseconds.',
    );
    expect(() => recordingFileName(T0, 42 as unknown as string)).toThrow(
      'Invalid meeting title number 42: expected a string.',
    );
  });
});

describe('titles from outside', () => {
  it('B12: an empty or blank title becomes "Untitled meeting"', () => {
    expect(recordingFileName(T0, '')).toMatchObject({
      name: `${PREFIX}Untitled meeting`,
      title: 'Untitled meeting',
    });
    expect(recordingFileName(T0, '  \n\t \u0000 ')).toMatchObject({
      name: `${PREFIX}Untitled meeting`,
      title: 'Untitled meeting',
    });
    expect(recordingFileName(T0, '', { fallbackTitle: 'Sans titre' }).name).toBe(
      `${PREFIX}Sans titre`,
    );
    // Dots alone would say nothing (and could make a ".." name).
    expect(titlePart('...')).toBe('Untitled meeting');
  });

  it('B12: a 10 kB title is cut to 200 bytes in the name and kept whole for metadata', () => {
    const long = 'a'.repeat(10 * 1024);
    const result = recordingFileName(T0, long);
    expect(result.name).toBe(PREFIX + 'a'.repeat(200));
    expect(result.title).toBe(long);
    expect(utf8Length(result.title)).toBe(10240);
  });

  it('B12: the cut falls between characters, never inside one', () => {
    expect(titlePart('é'.repeat(150))).toBe('é'.repeat(100));
    expect(titlePart('€'.repeat(100))).toBe('€'.repeat(66));
    expect(titlePart('😀'.repeat(60))).toBe('😀'.repeat(50));
    // An 18-byte family emoji (three people joined by zero-width joiners) is kept whole.
    const family = '👨‍👩‍👧';
    expect(utf8Length(family)).toBe(18);
    expect(titlePart(family.repeat(20))).toBe(family.repeat(11));
    expect(utf8Length(titlePart('x€'.repeat(1000)))).toBeLessThanOrEqual(MAX_TITLE_BYTES);
    // Spaces left at the cut are trimmed.
    expect(titlePart('a'.repeat(199) + ' bcd')).toBe('a'.repeat(199));
  });

  it('B12: "../", "/" and "\\" cannot make folders', () => {
    expect(recordingFileName(T0, '../../etc/passwd')).toMatchObject({
      name: `${PREFIX}.-.-etc-passwd`,
      title: '../../etc/passwd',
    });
    expect(titlePart('A/B testing \\ results')).toBe('A-B testing - results');
    expect(titlePart('Wait... what?')).toBe('Wait. what-');
  });

  it('B12: characters Windows refuses in a file name leave the name; the title keeps them', () => {
    expect(recordingFileName(T0, '<img src=x onerror=alert(1)> "quoted"')).toMatchObject({
      name: `${PREFIX}-img src=x onerror=alert(1)- 'quoted'`,
      title: '<img src=x onerror=alert(1)> "quoted"',
    });
    expect(titlePart('Q&A <b>live</b> | a*b?')).toBe('Q&A -b-live--b- - a-b-');
    // The time of day keeps its colons in the name (B12); a colon of the title too.
    expect(titlePart('Physics: week 3')).toBe('Physics: week 3');
  });

  it('the download name is portable: no colon, no device name, no trailing dot, 255 bytes', () => {
    expect(downloadFileName('Rec - 2026-11-26 14:03:00 - Physics: week 3.mp4')).toBe(
      'Rec - 2026-11-26 14.03.00 - Physics. week 3.mp4',
    );
    expect(downloadFileName('CON.mp4')).toBe('_CON.mp4');
    expect(downloadFileName('nul')).toBe('_nul.mp4');
    expect(downloadFileName('Rec - trailing dots...')).toBe('Rec - trailing dots.mp4');
    const long = downloadFileName(`Rec - ${'é'.repeat(300)}`);
    expect(utf8Length(long)).toBeLessThanOrEqual(255);
    expect(long.endsWith('é.mp4')).toBe(true);
    for (const name of [long, downloadFileName('a<b>c:"d"|e?f*g\\h/i.mp4')]) {
      expect(name).not.toMatch(/[<>:"|?*\\/]/);
      expect([...name].every((c) => c.charCodeAt(0) >= 0x20)).toBe(true);
    }
  });

  it('B12: control characters and direction overrides are removed', () => {
    expect(recordingFileName(T0, 'Q1\u0000review\r\nnotes\u0007\u202egpj.exe')).toMatchObject({
      name: `${PREFIX}Q1 review notes gpj.exe`,
      title: 'Q1 review notes gpj.exe',
    });
    expect(titlePart('tab\there\u0085next\u2028line\u200b')).toBe('tab here next line');
    expect(titlePart('broken \ud800 surrogate')).toBe('broken \ufffd surrogate');
    // NFC: a decomposed é is stored as one code point.
    expect(titlePart('Cafe\u0301')).toBe('Caf\u00e9');
  });
});

describe('object key', () => {
  const { name, fileName } = recordingFileName(T0, 'Weekly class');

  it('B12: the key is <prefix>/<roomId>/Recordings/<name>.mp4', () => {
    expect(objectKey('rooms', 'room-42', name)).toBe(
      'rooms/room-42/Recordings/Rec - 2026-11-26 14:03:00 - Weekly class.mp4',
    );
    expect(objectKey('rooms', 'room-42', fileName)).toBe(
      'rooms/room-42/Recordings/Rec - 2026-11-26 14:03:00 - Weekly class.mp4',
    );
    expect(objectKey('', 'room-42', name)).toBe(
      'room-42/Recordings/Rec - 2026-11-26 14:03:00 - Weekly class.mp4',
    );
  });

  it('B12: the prefix, room id and name are sanitized', () => {
    expect(objectKey('tenants//acme/../rec/', 'room-42', 'a')).toBe(
      'tenants/acme/rec/room-42/Recordings/a.mp4',
    );
    expect(objectKey('rooms', '../../other-room', 'a')).toBe(
      'rooms/.-.-other-room/Recordings/a.mp4',
    );
    expect(objectKey('rooms', 'a\\b/c\u0000d', 'x/../y')).toBe(
      'rooms/a-b-c d/Recordings/x-.-y.mp4',
    );
    const key = objectKey('rooms', 'r\n1', recordingFileName(T0, '../\\..\u0001/x').name);
    expect(key).toBe('rooms/r 1/Recordings/Rec - 2026-11-26 14:03:00 - .--. -x.mp4');
    expect(key.split('/')).toHaveLength(4);
    expect(key).not.toContain('..');
    // eslint-disable-next-line no-control-regex -- asserting their absence
    expect(key).not.toMatch(/[\\\u0000-\u001f]/);
  });

  it('B12: a room id or name with nothing left is refused', () => {
    expect(() => objectKey('rooms', '', 'a')).toThrow(
      'Invalid room id "": nothing is left once "/", "\\", dots and control characters are removed.',
    );
    expect(() => objectKey('rooms', '..', 'a')).toThrow(TypeError);
    expect(() => objectKey('rooms', 'r', '.mp4')).toThrow(/Invalid file name ".mp4"/);
    expect(() => objectKey('rooms', null as unknown as string, 'a')).toThrow(
      'Invalid room id null: expected a non-empty string.',
    );
  });
});

describe('truncateUtf8', () => {
  it('keeps text that fits and cuts a lone huge character between code points', () => {
    expect(truncateUtf8('short', 200)).toBe('short');
    const zalgo = 'a' + '\u0301'.repeat(300);
    const cut = truncateUtf8(zalgo, 200);
    expect(utf8Length(cut)).toBe(199);
    expect(cut.startsWith('a\u0301')).toBe(true);
  });
});

describe('part name (X9)', () => {
  it('names what a device kept apart from the file after the file’s own name and the time into it', () => {
    expect(partFileName('Rec - 2026-11-26 14:03:00 - Class.mp4', 3_727_400)).toBe(
      'Rec - 2026-11-26 14:03:00 - Class (part from 1h02m07s).mp4',
    );
    expect(partFileName('Rec - 2026-11-26 14.03.00 - Class', 6_000)).toBe(
      'Rec - 2026-11-26 14.03.00 - Class (part from 0h00m06s).mp4',
    );
  });
});
