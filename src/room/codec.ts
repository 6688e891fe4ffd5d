/**
 * Turning room messages into wire data and back, shared by every adapter.
 *
 * Inbound data is checked in this order: type, size, JSON, envelope, schema, authority.
 * The first failure drops the data with exactly one `console.warn` naming what was wrong;
 * nothing inbound ever throws into the page. Outbound mistakes are the caller's bug, so
 * {@link encodeOutgoing} throws a clear error instead.
 */
import { isHostRole } from '../session/rules.js';
import { MAX_MESSAGE_BYTES, PRIVILEGED_KINDS } from './messages.js';
import type { RoomMessage, SenderInfo } from './messages.js';
import { validateRoomMessage, validateSender } from './validate.js';

/** Prefix of every warning about a dropped message, so they can be found in a console. */
export const DROP_WARNING_PREFIX = '[room-recorder] room message dropped:';

/** A message that passed every check, and who sent it as the transport reports it. */
export interface Received {
  message: RoomMessage;
  sender: SenderInfo;
  /** The sending page instance, when the envelope says (lets an adapter skip its own echo). */
  origin?: string;
}

/** Warns once about dropped data. */
export function warnDropped(reason: string): void {
  console.warn(`${DROP_WARNING_PREFIX} ${reason}`);
}

/**
 * The warnings of one adapter: one per reason every 10 s, then how many more were dropped
 * for it. A flood (a thousand forged messages a second) costs one line, not a thousand.
 */
export class DropLog {
  readonly #last = new Map<string, { at: number; more: number }>();
  constructor(
    private readonly windowMs = 10_000,
    private readonly now: () => number = () => performance.now(),
  ) {}

  warn(reason: string): void {
    const now = this.now();
    const seen = this.#last.get(reason);
    if (seen && now - seen.at < this.windowMs) {
      seen.more++;
      return;
    }
    const more = seen?.more ? ` (and ${seen.more} more like it before)` : '';
    this.#last.set(reason, { at: now, more: 0 });
    if (this.#last.size > 256) this.#last.delete(this.#last.keys().next().value as string);
    warnDropped(`${reason}${more}`);
  }
}

/** What an adapter checks an envelope against. */
export interface EnvelopeCheck {
  /** Where its warnings go (default: one console warning per drop). */
  log?: DropLog;
  /** The room this page is in: an envelope naming another is dropped. */
  room?: string;
}

/** UTF-8 length of a string, without allocating when the answer is obvious. */
export function utf8Length(text: string): number {
  // Each UTF-16 code unit is 1 to 3 UTF-8 bytes, so the bounds often decide alone.
  if (text.length > MAX_MESSAGE_BYTES) return text.length;
  if (text.length * 3 <= MAX_MESSAGE_BYTES) return text.length;
  return new TextEncoder().encode(text).length;
}

/**
 * Why `sender` may not send `message`, or null when it may. Kinds that start, stop or
 * announce a recording need a host or moderator; presence must speak for its own sender.
 */
export function refusal(message: RoomMessage, sender: SenderInfo): string | null {
  if (PRIVILEGED_KINDS.has(message.kind) && !isHostRole(sender.role)) {
    return `a ${sender.role} (user ${JSON.stringify(sender.userId)}) may not send '${message.kind}'; only a host or moderator may`;
  }
  if (message.kind === 'presence') {
    if (message.userId !== sender.userId || message.role !== sender.role) {
      return `presence for ${message.role} ${JSON.stringify(message.userId)} was sent by ${sender.role} ${JSON.stringify(sender.userId)}; a page may only announce itself`;
    }
  }
  return null;
}

function parse(data: unknown): { ok: true; value: unknown } | { ok: false; reason: string } {
  if (typeof data !== 'string') {
    return { ok: false, reason: `expected JSON text, got ${data === null ? 'null' : typeof data}` };
  }
  const bytes = utf8Length(data);
  if (bytes > MAX_MESSAGE_BYTES) {
    return {
      ok: false,
      reason: `oversize: ${bytes} bytes, over the limit of ${MAX_MESSAGE_BYTES}`,
    };
  }
  try {
    return { ok: true, value: JSON.parse(data) as unknown };
  } catch {
    return { ok: false, reason: 'malformed JSON' };
  }
}

function check(
  rawMessage: unknown,
  rawSender: unknown,
  origin: string | undefined,
  warn: (reason: string) => void,
): Received | null {
  const sender = validateSender(rawSender);
  if (!sender.ok) {
    warn(sender.reason);
    return null;
  }
  const message = validateRoomMessage(rawMessage);
  if (!message.ok) {
    warn(message.reason);
    return null;
  }
  const refused = refusal(message.value, sender.value);
  if (refused !== null) {
    warn(refused);
    return null;
  }
  return origin === undefined
    ? { message: message.value, sender: sender.value }
    : { message: message.value, sender: sender.value, origin };
}

/**
 * Decodes an envelope `{ from: { userId, role }, message, origin? }`, where `from` is who
 * the transport (or a server that stamps it) says sent it. Returns null, after one
 * warning, when anything is wrong.
 */
export function decodeEnvelope(data: unknown, expect: EnvelopeCheck = {}): Received | null {
  const warn = expect.log ? (r: string) => expect.log!.warn(r) : warnDropped;
  const parsed = parse(data);
  if (!parsed.ok) {
    warn(parsed.reason);
    return null;
  }
  const envelope = parsed.value;
  if (typeof envelope !== 'object' || envelope === null || Array.isArray(envelope)) {
    warn('expected an envelope object { from, message }');
    return null;
  }
  const { from, message, origin, room } = envelope as Record<string, unknown>;
  if (from === undefined || message === undefined) {
    warn(`envelope lacks ${from === undefined ? "'from'" : "'message'"}`);
    return null;
  }
  if (expect.room !== undefined && room !== undefined && room !== expect.room) {
    warn(
      `the envelope is for room ${JSON.stringify(String(room).slice(0, 64))}; this page is in room ${JSON.stringify(expect.room)}`,
    );
    return null;
  }
  return check(message, from, typeof origin === 'string' ? origin : undefined, warn);
}

/** Decodes a bare message whose sender the transport reports separately. */
export function decodeBare(data: unknown, sender: unknown, log?: DropLog): Received | null {
  const warn = log ? (r: string) => log.warn(r) : warnDropped;
  const parsed = parse(data);
  if (!parsed.ok) {
    warn(parsed.reason);
    return null;
  }
  return check(parsed.value, sender, undefined, warn);
}

/**
 * Serializes a message this page publishes: as an envelope when `from` is given, else bare.
 *
 * @throws TypeError when the message is malformed or this page's role may not send it.
 * @throws RangeError when it serializes to more than {@link MAX_MESSAGE_BYTES}.
 */
export function encodeOutgoing(
  message: RoomMessage,
  self: SenderInfo,
  envelope: { origin?: string; room?: string } | null,
): string {
  const valid = validateRoomMessage(message);
  if (!valid.ok) throw new TypeError(`Cannot publish room message: ${valid.reason}.`);
  const refused = refusal(valid.value, self);
  if (refused !== null) throw new TypeError(`Cannot publish room message: ${refused}.`);
  const text = JSON.stringify(
    envelope === null ? valid.value : { from: self, message: valid.value, ...envelope },
  );
  const bytes = utf8Length(text);
  if (bytes > MAX_MESSAGE_BYTES) {
    throw new RangeError(
      `Cannot publish room message '${message.kind}': it is ${bytes} bytes serialized, over the limit of ${MAX_MESSAGE_BYTES}; shorten its strings.`,
    );
  }
  return text;
}
