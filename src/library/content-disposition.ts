/**
 * `Content-Disposition` for signed GET links: `inline` to play, `attachment` to download
 * under the recording's own name. The name goes twice (RFC 6266): an ASCII fallback in
 * `filename`, and the exact UTF-8 name in `filename*` (RFC 5987), so accents survive.
 */

/** RFC 5987 `ext-value` encoding: percent-encodes all but attr-chars. */
export function rfc5987(value: string): string {
  return encodeURIComponent(value).replace(
    /['()*!]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** The name with anything outside printable ASCII (and `"` and `\`) replaced by `_`. */
export function asciiFallback(fileName: string): string {
  return fileName
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\x20-\x7e]|["\\]/g, '_');
}

/** The header value for a link of `kind`; ASCII only, as S3 requires. */
export function contentDisposition(kind: 'inline' | 'attachment', fileName: string): string {
  return `${kind}; filename="${asciiFallback(fileName)}"; filename*=UTF-8''${rfc5987(fileName)}`;
}
