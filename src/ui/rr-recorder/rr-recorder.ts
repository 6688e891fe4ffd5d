import { html } from 'lit';
import type { PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { LibraryEntry } from '../../library/types.js';
import type {
  RecorderControllerApi,
  RecorderControllerFactory,
  RecorderElementConfig,
  LeaveOptions,
  RecorderView,
  RoomChannel,
  VisualSource,
  WebcamSource,
} from '../../recorder/controller-types.js';
import { ROLES } from '../../session/parse.js';
import { RESTING_PHASES } from '../../session/rules.js';
import type { Decision, Notice, Offer, Role, RoomType } from '../../session/types.js';
import { FocusTrapController } from '../controllers/focus-return.js';
import { RecorderBinding } from '../controllers/recorder-binding.js';
import type { ConfirmDetail, ConfirmKind } from '../events.js';
import { RrElement } from '../rr-element.js';
import type { LinkPurpose, RecordingsState } from '../rr-recordings/rr-recordings.js';
import { buttons, tokens } from '../theme.js';
import { RrConfirm } from '../rr-confirm/rr-confirm.js';
import { RrIndicator } from '../rr-indicator/rr-indicator.js';
import { RrMenu } from '../rr-menu/rr-menu.js';
import { RrRecordings } from '../rr-recordings/rr-recordings.js';
import { RrToasts as RrToastsElement } from '../rr-toasts/rr-toasts.js';
import { recorderStyles } from './rr-recorder.styles.js';

const HIDDEN: Offer = { state: 'hidden' };

/** Configuration whose change rebuilds the element's own controller (when idle). */
const REBUILD_ON = [
  'storage',
  'channel',
  'userRole',
  'userId',
  'roomId',
  'roomType',
  'mobile',
  'meetingTitle',
  'maxRecordingMs',
  'hostAwayTimeoutMs',
] as const;
interface Disposable {
  dispose(): void;
}

/** The room's channel, as the recorder options name it. */
export type RecorderChannel = RoomChannel;
/**
 * Where recordings are stored (S3 client settings or presigned endpoints). Its shape belongs
 * to the upload layer; the element only carries it to whoever builds the controller.
 */
export type RecorderStorage = unknown;

/**
 * @summary The one-tag integration: the three-dots menu, both confirms, the notices, the
 * indicator and the Recordings folder, bound to one recorder controller.
 *
 * @tag rr-recorder
 *
 * Place it where the room's three-dots button belongs. The toasts and the indicator are
 * fixed to the viewport (an ancestor with `transform`, `filter` or `contain` would capture
 * them). It is presentational: what may be offered comes from `controller.view`, and every
 * user action becomes a controller call. The `role` attribute names the participant's room
 * role; it is read into `userRole` and moved to `user-role` so the page never carries an
 * invalid ARIA role.
 *
 * @slot - Content before the three-dots button (e.g. other room controls).
 *
 * @event rr-record-request - Bubbles out from the menu. Detail: `{}`.
 * @event rr-stop-request - From the menu or the square. Detail: `{ source }`.
 * @event rr-confirm - A confirm was accepted. Detail: `{ kind }`.
 * @event rr-cancel - A confirm was cancelled. Detail: `{ kind }`.
 * @event rr-open-recordings - Media and Files was chosen. Detail: `{}`.
 * @event rr-toast-show - A notice appeared. Detail: `{ toastId, notice, key }`.
 * @event rr-toast-dismiss - A notice left. Detail: `{ toastId, notice, key, reason }`.
 *
 * @csspart menu - The `<rr-menu>` (style its inside through its own parts).
 * @csspart confirm - The `<rr-confirm>`.
 * @csspart toasts - The `<rr-toasts>`.
 * @csspart indicator - The `<rr-indicator>`.
 * @csspart recordings-dialog - The dialog holding the Recordings folder.
 * @csspart recordings - The `<rr-recordings>`.
 * @csspart recordings-close - The dialog's Close button.
 *
 * @cssproperty [--rr-recordings-dialog-width=820px] - Width of the Recordings dialog.
 * @cssproperty [--rr-color-surface=#ffffff] - Surfaces; see docs/components.md for all tokens.
 */
@customElement('rr-recorder')
export class RrRecorder extends RrElement implements RecorderElementConfig {
  static override styles = [tokens, buttons, recorderStyles];

  /**
   * The elements it renders, referenced (not just imported) so that a bundler which treats
   * these modules as side-effect free still keeps their definitions.
   */
  static readonly dependencies = {
    'rr-menu': RrMenu,
    'rr-confirm': RrConfirm,
    'rr-indicator': RrIndicator,
    'rr-toasts': RrToastsElement,
    'rr-recordings': RrRecordings,
  };

  /**
   * Builds a controller from the element's configuration when none is given. The package
   * entry (`room-recorder`) sets it to the browser recorder; an integrator may set their own.
   */
  static controllerFactory: RecorderControllerFactory | null = null;

  static override get observedAttributes(): string[] {
    return [...super.observedAttributes, 'role'];
  }

  /** The participant's room role (attribute `role`, reflected as `user-role`). */
  @property({ attribute: 'user-role', reflect: true }) userRole: Role = 'participant';
  @property({ attribute: 'user-id' }) userId = '';
  @property({ attribute: 'meeting-title' }) meetingTitle = '';
  @property({ attribute: 'room-id' }) roomId = '';
  @property({ attribute: 'room-type' }) roomType: RoomType = 'single';
  @property({ attribute: 'channel-owner-id' }) channelOwnerId: string | undefined = undefined;
  @property({ attribute: 'gallery-owner-id' }) galleryOwnerId: string | undefined = undefined;
  @property({ attribute: 'media-owner-id' }) mediaOwnerId: string | undefined = undefined;
  /** A mobile device: no one may start or stop from it (B1). */
  @property({ type: Boolean, reflect: true }) mobile = false;
  /** IANA time zone for file names and dates. */
  @property({ attribute: 'time-zone' }) timeZone: string | undefined = undefined;
  /** Milliseconds a notice stays on screen (0: until dismissed); see `<rr-toasts>`. */
  @property({ type: Number, attribute: 'notice-duration' }) noticeDuration = 6000;
  /** Hides Media and Files (when the page shows the Recordings folder itself). */
  @property({ type: Boolean, attribute: 'hide-media-files' }) hideMediaFiles = false;
  /**
   * B11: the longest one recording may last, in milliseconds; at it the recording stops by
   * itself, with a notice, and is kept. Default (unset) and maximum: 24 hours (86400000). A
   * value above it, or not a number above 0, leaves the element without a recorder and says
   * why on the console.
   */
  @property({ type: Number, attribute: 'max-recording-ms' }) maxRecordingMs: number | undefined =
    undefined;
  /**
   * B9: how long a recording goes on with no host or moderator in the room, in milliseconds,
   * before it stops by itself (with a notice) and is kept. Default (unset) and maximum:
   * 15 minutes (900000); checked as `max-recording-ms` is.
   */
  @property({ type: Number, attribute: 'host-away-timeout-ms' }) hostAwayTimeoutMs:
    number | undefined = undefined;

  /** The stage content (slides, screen share). */
  @property({ attribute: false }) stage: VisualSource | null = null;
  /** The webcam tiles, in order. */
  @property({ attribute: false }) webcams: WebcamSource[] = [];
  /** The room's audio. */
  @property({ attribute: false }) audioTracks: MediaStreamTrack[] = [];
  /** How the other participants hear about the recording. */
  @property({ attribute: false }) channel: RecorderChannel | null = null;
  /** Where recordings are stored. */
  @property({ attribute: false }) storage: RecorderStorage = null;
  /** The controller to use; when unset, one is built through `controllerFactory`. */
  @property({ attribute: false }) controller: RecorderControllerApi | null = null;

  @state() private view: RecorderView | null = null;
  @state() private libraryState: RecordingsState = 'loading';
  @state() private libraryEntries: LibraryEntry[] = [];

  @query('rr-toasts') private toasts!: RrToastsElement | null;
  @query('.library') private libraryDialog!: HTMLDialogElement | null;

  private readonly binding = new RecorderBinding(this);
  private readonly libraryFocus = new FocusTrapController(this, () => this.libraryDialog);
  private ownController: RecorderControllerApi | null = null;
  private pendingNotices: Notice[] = [];
  private lastKind: ConfirmKind = 'start';

  /** The controller in use: the given one, else the one this element built. */
  get activeController(): RecorderControllerApi | null {
    return this.binding.controller;
  }

  override attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    if (name === 'role') {
      // The ARIA `role` attribute is borrowed as the room role; keep the page's a11y tree valid.
      if (value !== null && (ROLES as readonly string[]).includes(value)) {
        this.userRole = value as Role;
        this.removeAttribute('role');
      }
      return;
    }
    super.attributeChangedCallback(name, old, value);
  }

  /** Called by the binding with every new view. */
  onView(view: RecorderView | null): void {
    this.view = view;
  }

  /** Called by the binding for every notice this participant should see. */
  onNotice(notice: Notice): void {
    if (this.toasts) this.toasts.show(notice);
    else this.pendingNotices.push(notice);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // A given controller is subscribed now, not at the first render, so no notice is missed.
    if (this.controller) this.binding.bind(this.controller);
    window.addEventListener('pagehide', this.onPageHide);
  }

  override disconnectedCallback(): void {
    window.removeEventListener('pagehide', this.onPageHide);
    super.disconnectedCallback();
  }

  /**
   * Leave the room (X9): a recording made on this page is handed over to another page of the
   * room and goes on there. When no page can continue it, resolves false, doing nothing (the
   * recording goes on here, and the page must stay open or stop it first), unless
   * `keepRecording` (B9): then the user leaves while the recording goes on on this page, which
   * must stay open, until it stops (by itself `host-away-timeout-ms` after the last host or
   * moderator left, unless one is back).
   */
  async leaveRoom(options?: LeaveOptions): Promise<boolean> {
    return (await this.binding.controller?.leaveRoom?.(options)) ?? true;
  }

  // A page kept in the back-forward cache (`persisted`) may come back: it is not leaving.
  private onPageHide = (e: PageTransitionEvent): void => {
    if (!e.persisted) this.binding.controller?.pageHidden?.();
  };

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (this.controller) {
      this.binding.bind(this.controller);
      return;
    }
    // The own controller is built at the first update, so properties set right after the
    // element was added (storage, channel) are part of it; a configuration change while
    // nothing is being recorded rebuilds it.
    const own = this.ownController;
    if (own && REBUILD_ON.some((k) => changed.has(k)) && RESTING_PHASES.has(own.view.phase)) {
      this.binding.bind(null);
      (own as Partial<Disposable>).dispose?.();
      this.ownController = null;
    }
    this.binding.bind(this.buildOwnController());
  }

  protected override updated(changed: PropertyValues<this>): void {
    // What to record changed mid-recording: the pipeline relays out and goes on. The first
    // update only sets the defaults (old values undefined): nothing changed then.
    const moved = (k: 'stage' | 'webcams' | 'audioTracks') =>
      changed.has(k) && changed.get(k) !== undefined;
    if (moved('stage') || moved('webcams') || moved('audioTracks')) {
      this.activeController?.sourcesChanged?.();
    }
  }

  protected override firstUpdated(): void {
    const toasts = this.toasts;
    if (!toasts) return;
    for (const n of this.pendingNotices.splice(0)) toasts.show(n);
  }

  private buildOwnController(): RecorderControllerApi | null {
    if (!this.ownController && this.isConnected && RrRecorder.controllerFactory) {
      this.ownController = RrRecorder.controllerFactory(this);
    }
    return this.ownController;
  }

  // --- element events -> controller calls ---

  private refused(d: Decision): void {
    if (!d.ok) this.toasts?.showRefusal(d.reason);
  }

  private onRecordRequest = (): void => {
    const c = this.binding.controller;
    if (c) this.refused(c.requestStart());
  };

  private onStopRequest = (): void => {
    const c = this.binding.controller;
    if (c) this.refused(c.requestStop());
  };

  private onConfirm = async (e: CustomEvent<ConfirmDetail>): Promise<void> => {
    const c = this.binding.controller;
    if (!c) return;
    const d = e.detail.kind === 'start' ? await c.confirmStart() : await c.confirmStop();
    if (!d.ok) {
      // The dialog has closed: leave the confirming step so the state matches the screen.
      if (c.view.phase === 'confirming-start' || c.view.phase === 'confirming-stop') {
        c.cancelConfirm();
      }
      this.refused(d);
    }
  };

  private onCancel = (): void => {
    this.binding.controller?.cancelConfirm();
  };

  private onOpenRecordings = (): void => {
    const dialog = this.libraryDialog;
    if (!dialog) return;
    if (!dialog.open) {
      this.libraryFocus.capture();
      dialog.showModal();
    }
    void this.loadLibrary();
  };

  private async loadLibrary(): Promise<void> {
    const c = this.binding.controller;
    if (!c) return;
    this.libraryState = 'loading';
    try {
      this.libraryEntries = await c.listRecordings();
      this.libraryState = 'ready';
    } catch {
      this.libraryState = 'error';
    }
  }

  private monotonicNow = (): number => this.binding.controller?.monotonicNow() ?? performance.now();

  private resolveLink = (entry: LibraryEntry, purpose: LinkPurpose): Promise<string> => {
    const c = this.binding.controller;
    return c ? c.linkTo(entry, purpose) : Promise.reject(new Error('no controller'));
  };

  protected override render() {
    const v = this.view;
    const phase = v?.phase ?? 'idle';
    const confirming = phase === 'confirming-start' || phase === 'confirming-stop';
    if (confirming) this.lastKind = phase === 'confirming-stop' ? 'stop' : 'start';
    const indicator = v?.indicator ?? {
      shown: false,
      saving: false,
      save: null,
      elapsed: false,
      stop: false,
    };
    return html`
      <slot></slot>
      <rr-menu
        part="menu"
        theme=${this.theme}
        .strings=${this.strings}
        .record=${v?.record ?? HIDDEN}
        .stop=${v?.stop ?? HIDDEN}
        .preflightProblems=${v?.preflight?.problems ?? []}
        .mediaFiles=${!!v?.mediaFiles && !this.hideMediaFiles}
        @rr-record-request=${this.onRecordRequest}
        @rr-stop-request=${this.onStopRequest}
        @rr-open-recordings=${this.onOpenRecordings}
      ></rr-menu>
      <rr-confirm
        part="confirm"
        theme=${this.theme}
        .strings=${this.strings}
        .kind=${this.lastKind}
        .open=${confirming}
        @rr-confirm=${this.onConfirm}
        @rr-cancel=${this.onCancel}
      ></rr-confirm>
      <rr-indicator
        part="indicator"
        theme=${this.theme}
        .strings=${this.strings}
        .active=${indicator.shown}
        .startedAt=${v?.startedAtMonotonic ?? null}
        .now=${this.monotonicNow}
        .showElapsed=${indicator.elapsed}
        .showStop=${indicator.stop}
        .saving=${indicator.saving}
        .save=${indicator.save}
        .warnings=${v?.health?.warnings ?? []}
        @rr-stop-request=${this.onStopRequest}
      ></rr-indicator>
      <rr-toasts
        part="toasts"
        theme=${this.theme}
        .strings=${this.strings}
        .duration=${this.noticeDuration}
      ></rr-toasts>
      <dialog
        class="library"
        part="recordings-dialog"
        aria-label=${this.t('recordings.title')}
        @keydown=${this.libraryFocus.onKeydown}
        @close=${() => this.libraryFocus.restore()}
      >
        <rr-recordings
          part="recordings"
          theme=${this.theme}
          .strings=${this.strings}
          .entries=${this.libraryEntries}
          .state=${this.libraryState}
          .resolveLink=${this.resolveLink}
          .timeZone=${this.timeZone}
          @rr-recordings-retry=${() => void this.loadLibrary()}
        ></rr-recordings>
        <div class="library-foot">
          <button
            class="btn"
            part="recordings-close"
            type="button"
            @click=${() => this.libraryDialog?.close()}
          >
            ${this.t('recorder.closeRecordings')}
          </button>
        </div>
      </dialog>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rr-recorder': RrRecorder;
  }
}
