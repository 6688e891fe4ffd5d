/**
 * Text made safe for one segment of a storage key: the rules behind the file names (B12).
 * Pure string work, the same in Node and every browser.
 */

/** C0 and C1 control characters, DEL, and the Unicode line and paragraph separators. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/**
 * Invisible characters that reorder or hide text: bidirectional marks, overrides and isolates
 * (which can make `gpj.exe` display as `exe.jpg`), the zero-width space, the word joiner and
 * the byte order mark. Zero-width joiners stay: emoji sequences and several scripts need them.
 */
const INVISIBLE = /[\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]/g;

/** Lone UTF-16 surrogates, which no UTF-8 key can hold. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Byte length of a string in UTF-8 (the unit S3 limits keys in). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  return bytes;
}

/**
 * Text as people would read it: well-formed, NFC, control characters turned into spaces,
 * invisible direction marks removed, runs of white space collapsed, trimmed. Slashes and dots
 * are kept: this is the form kept for metadata, not yet safe for a key.
 */
export function normalizeText(text: string): string {
  return text
    .replace(LONE_SURROGATE, '\ufffd')
    .normalize('NFC')
    .replace(CONTROL, ' ')
    .replace(INVISIBLE, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * One key segment: {@link normalizeText}, then every `/` and `\` becomes `-` (so the text can
 * never add a folder), every run of two or more dots becomes one dot (so no `..` is left
 * anywhere, not only as a whole segment), and the characters Windows refuses in a file name
 * (`< > " | ? *`) become `-` (`"` becomes `'`). The colon stays: the product's names hold the
 * time of day (B12); {@link portableFileName} turns it into `.` for a download. Every place
 * that shows a name still escapes it: it came from the room.
 */
export function sanitizeSegment(text: string): string {
  return normalizeText(text)
    .replace(/[/\\]/g, '-')
    .replace(/\.{2,}/g, '.')
    .replace(/"/g, "'")
    .replace(/[<>|?*]/g, '-')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Names Windows keeps for devices, with or without an extension. */
const RESERVED_WINDOWS_NAME = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;

/**
 * A file name every desktop system saves as it is: {@link sanitizeSegment} (which leaves no
 * `/ \ < > " | ? *` nor control character), `:` (kept by the product's names for the time of
 * day, which Windows refuses) as `.`, no trailing dot or space, no device name (`CON`,
 * `NUL`...), at most `maxBytes` of UTF-8 (255, the limit of NTFS, APFS and ext4) with its
 * extension kept.
 */
export function portableFileName(name: string, extension = '', maxBytes = 255): string {
  let base = sanitizeSegment(name)
    .replace(/:/g, '.')
    .replace(/[. ]+$/, '');
  if (base === '' || RESERVED_WINDOWS_NAME.test(base)) base = `_${base}`;
  base = truncateUtf8(base, maxBytes - utf8Length(extension)).replace(/[. ]+$/, '');
  return `${base}${extension}`;
}

/** Whether a sanitized segment says nothing (empty, or only dots and spaces). */
export function isBlankSegment(segment: string): boolean {
  return /^[.\s]*$/.test(segment);
}

/**
 * The longest prefix of `text` that fits in `maxBytes` of UTF-8, cut between user-perceived
 * characters (grapheme clusters, so an emoji or an accent is never split), which are always
 * code-point boundaries. Only when the very first character alone is too long (a letter
 * under hundreds of combining marks) is it cut between code points. Trailing spaces left by
 * the cut are trimmed.
 */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (utf8Length(text) <= maxBytes) return text;
  let out = '';
  let bytes = 0;
  for (const piece of graphemes(text)) {
    const size = utf8Length(piece);
    if (bytes + size <= maxBytes) {
      out += piece;
      bytes += size;
      continue;
    }
    if (out === '') {
      for (const ch of piece) {
        const chSize = utf8Length(ch);
        if (bytes + chSize > maxBytes) break;
        out += ch;
        bytes += chSize;
      }
    }
    break;
  }
  return out.trimEnd();
}

function* graphemes(text: string): Iterable<string> {
  // Intl.Segmenter is in every browser this library targets and in Node 16+; fall back to
  // code points where a runtime lacks it.
  if (typeof Intl.Segmenter === 'function') {
    const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
    for (const s of segmenter.segment(text)) yield s.segment;
    return;
  }
  yield* text;
}
