/**
 * Lit escapes text but not the meaning of an `href`: a `javascript:` link would run code.
 * Only web and blob links are ever bound to an anchor.
 */
export function safeUrl(url: string | undefined | null): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url, document.baseURI);
    return ['http:', 'https:', 'blob:'].includes(parsed.protocol) ? parsed.href : null;
  } catch {
    return null;
  }
}
