import { describe, expect, it } from 'vitest';
import { RR_STRINGS, interpolate, resolveStrings } from '../../../src/ui/strings.js';

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

  it('B9, B11: the limits come from the notice, not the wording', () => {
    expect(interpolate(RR_STRINGS['notice.recording-cap-reached'], { hours: '2' })).toBe(
      'The recording reached its 2-hour limit and has stopped. It has been saved.',
    );
    expect(
      interpolate(RR_STRINGS['notice.recording-host-away-stopped'], { minutes: '15' }),
    ).toContain('for 15 minutes');
  });

  it('takes a partial translation and keeps English for the rest', () => {
    const t = resolveStrings({ 'notice.recording-started': 'Cette session est enregistrée.' });
    expect(t['notice.recording-started']).toBe('Cette session est enregistrée.');
    expect(t['notice.recording-completed']).toBe('The recording has completed.');
  });
});
