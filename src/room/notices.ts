import type { NoticeMessage, SenderInfo } from './messages.js';
import { isPrivilegedRole } from './messages.js';

/**
 * Whether a notice that arrived over the room is meant for this page, by its audience:
 * `initiator` is the user who started the recording, `others` everyone else, `hosts` the
 * hosts and moderators.
 */
export function noticeIsFor(message: NoticeMessage, self: SenderInfo): boolean {
  switch (message.notice.audience) {
    case 'everyone':
      return true;
    case 'initiator':
      return message.initiatorId !== null && message.initiatorId === self.userId;
    case 'others':
      return message.initiatorId === null || message.initiatorId !== self.userId;
    case 'hosts':
      return isPrivilegedRole(self.role);
  }
}
