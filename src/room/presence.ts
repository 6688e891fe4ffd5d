/**
 * Who is in the room, per page: a user with two tabs is present until both have left.
 * Pure bookkeeping over `presence` messages.
 */
import { isHostRole } from '../session/rules.js';
import type { Role } from '../session/types.js';
import { type PresenceMessage } from './messages.js';

interface Entry {
  userId: string;
  role: Role;
  canRecord: boolean;
  name: string | null;
}

/** A page present in the room, as its presence says. */
export interface PresentPage {
  page: string;
  userId: string;
  role: Role;
  /** It could continue a recording (X9). */
  canRecord: boolean;
  name: string | null;
}

/** Tracks presence by page; a message without a page id counts as one page of its user. */
export class PresenceRoster {
  readonly #pages = new Map<string, Entry>();

  /** Applies a presence message; returns whether the set of present users or roles changed. */
  apply(
    message: Pick<PresenceMessage, 'userId' | 'role' | 'status' | 'page' | 'canRecord' | 'name'>,
  ): boolean {
    const before = this.#signature();
    const key = message.page !== undefined ? `page:${message.page}` : `user:${message.userId}`;
    if (message.status === 'left') {
      this.#pages.delete(key);
      // A page-less entry cannot be told apart from this user's pages: any goodbye ends it.
      this.#pages.delete(`user:${message.userId}`);
    } else {
      this.#pages.set(key, {
        userId: message.userId,
        role: message.role,
        canRecord: message.canRecord === true,
        name: message.name ?? null,
      });
    }
    return this.#signature() !== before;
  }

  /** User id to role; a user seen with several roles counts with the most privileged. */
  users(): Map<string, Role> {
    const users = new Map<string, Role>();
    for (const { userId, role } of this.#pages.values()) {
      const known = users.get(userId);
      if (known === undefined || rank(role) > rank(known)) users.set(userId, role);
    }
    return users;
  }

  /** Every page present, with what it says of itself. */
  pages(): PresentPage[] {
    return [...this.#pages].map(([key, e]) => ({ page: key, ...e }));
  }

  /** Whether a host or moderator other than `exceptUserId` has a page in the room. */
  hasHost(exceptUserId?: string): boolean {
    for (const { userId, role } of this.#pages.values()) {
      if (userId !== exceptUserId && isHostRole(role)) return true;
    }
    return false;
  }

  #signature(): string {
    return [...this.users()]
      .map(([u, r]) => `${u}:${r}`)
      .sort()
      .join('\n');
  }
}

function rank(role: Role): number {
  return role === 'host' ? 2 : role === 'moderator' ? 1 : 0;
}
