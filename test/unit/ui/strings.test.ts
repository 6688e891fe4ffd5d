import { describe, expect, it } from 'vitest';
import type { Notice } from '../../../src/session/types.js';
import { formatLimit } from '../../../src/ui/format.js';
import { RR_STRINGS, noticeText, resolveStrings } from '../../../src/ui/strings.js';

describe('the strings table', () => {
  it('B3, B7, B8: the notices say what the product says', () => {
    expect(RR_STRINGS['notice.recording-starting']).toBe(
      'Recording will start momentarily, please wait.',
    );
    expect(RR_STRINGS['notice.recording-started']).toBe('This session is being recorded.');
    expect(RR_STRINGS['notice.recording-ended-uploading']).toBe('Recording ended, starting upload');
    expect(RR_STRINGS['notice.recording-completed']).toBe('The recording has completed.');
    expect(RR_STRINGS['notice.recording-available']).toBe('The recording is available.');
  });

  it('B9, B11: the notices word the limit that ran out, whatever it was configured to', () => {
    const cap = (limitMs: number): Notice => ({
      id: 'recording-cap-reached',
      audience: 'everyone',
      params: { limitMs: String(limitMs) },
    });
    expect(noticeText(cap(24 * 3_600_000), null, 'en')).toBe(
      'The recording reached its time limit of 24 hours and has stopped. It has been saved.',
    );
    expect(noticeText(cap(2 * 3_600_000), null, 'en')).toContain('time limit of 2 hours ');
    expect(noticeText(cap(90 * 60_000), null, 'en')).toContain('time limit of 1.5 hours ');
    expect(noticeText(cap(20_000), null, 'en')).toContain('time limit of 20 seconds ');
    expect(noticeText(cap(1_000), null, 'en')).toContain('time limit of 1 second ');
    const away = (limitMs: number): Notice => ({
      id: 'recording-host-away-stopped',
      audience: 'everyone',
      params: { limitMs: String(limitMs) },
    });
    expect(noticeText(away(15 * 60_000), null, 'en')).toBe(
      'The recording stopped because no host or moderator was in the room for 15 minutes. It has been saved.',
    );
    expect(noticeText(away(60_000), null, 'en')).toContain('in the room for 1 minute.');
    expect(noticeText(away(45_000), null, 'en')).toContain('in the room for 45 seconds.');
    // Nothing says "0 hours" or a bare number, whatever the limit.
    for (const ms of [1_500, 20_000, 59_000, 100_000, 1_800_000, 5_400_000, 86_400_000]) {
      expect(noticeText(cap(ms), null, 'en')).toMatch(
        /limit of [1-9][\d.]* (hours?|minutes?|seconds?) /,
      );
    }
  });

  it('B9, B11: a notice made with only {hours} or {minutes} is worded too, and translations keep them', () => {
    expect(
      noticeText({ id: 'recording-cap-reached', audience: 'everyone', params: { hours: '24' } }),
    ).toContain('time limit of 24 hours ');
    const fr = {
      'notice.recording-host-away-stopped':
        "L'enregistrement s'est arrêté : aucun hôte depuis {minutes} min ({limit}).",
    };
    expect(
      noticeText(
        {
          id: 'recording-host-away-stopped',
          audience: 'everyone',
          params: { limitMs: '900000', minutes: '15' },
        },
        fr,
        'fr',
      ),
    ).toBe("L'enregistrement s'est arrêté : aucun hôte depuis 15 min (15 minutes).");
  });

  it('words a limit in the largest unit that says it exactly to a tenth', () => {
    expect(formatLimit(86_400_000, 'en')).toBe('24 hours');
    expect(formatLimit(3_600_000, 'en')).toBe('1 hour');
    expect(formatLimit(1_800_000, 'en')).toBe('30 minutes');
    expect(formatLimit(100_000, 'en')).toBe('100 seconds');
    expect(formatLimit(1_234, 'en')).toBe('1.234 seconds');
    expect(formatLimit(500, 'en')).toBe('0.5 seconds');
    expect(formatLimit(7_200_000, 'de')).toBe('2 Stunden');
  });

  it('takes a partial translation and keeps English for the rest', () => {
    const t = resolveStrings({ 'notice.recording-started': 'Cette session est enregistrée.' });
    expect(t['notice.recording-started']).toBe('Cette session est enregistrée.');
    expect(t['notice.recording-completed']).toBe('The recording has completed.');
  });
});
