/**
 * The page's record of the visual sources being recorded: one {@link FrameSource} per stage or
 * webcam, under an id that stays the same while the source does, so the worker keeps its tile
 * and its stream across changes of the room.
 */
import { FrameSource, hasEnded } from './frame-source.js';
import { computeLayout } from './layout.js';
import type { SourceDesc } from './protocol.js';
import type { RecordingSources, VisualSource } from './sources.js';

/** A `stream` source's frames for the worker, transferred once when the source is new. */
export interface SourceStream {
  id: string;
  readable: ReadableStream<VideoFrame>;
}

/** The visual sources of one recording on the page. */
export class SourceRegistry {
  private readonly handles = new Map<string, FrameSource>();
  private readonly ids = new WeakMap<object, string>();
  private nextId = 0;

  /** @param frame the recording's frame size, to size camera clones to their tiles. */
  constructor(private readonly frame: { width: number; height: number }) {}

  /**
   * Brings the handles in line with `sources` (ended ones left out): new sources get a handle,
   * gone ones are disposed. Returns the worker's view, and the readables of new `stream` sources.
   */
  sync(sources: RecordingSources): { descs: SourceDesc[]; streams: SourceStream[] } {
    const wanted: Array<{ id: string; role: 'stage' | 'webcam'; source: VisualSource }> = [];
    const { stage, webcams } = sources;
    if (stage && !hasEnded(stage))
      wanted.push({ id: this.idOf('stage', stage, 'stage'), role: 'stage', source: stage });
    for (const w of webcams) {
      if (!hasEnded(w.source))
        wanted.push({ id: this.idOf('webcam', w.source, w.id), role: 'webcam', source: w.source });
    }
    const keep = new Set(wanted.map((w) => w.id));
    for (const [id, h] of this.handles) {
      if (!keep.has(id)) {
        h.dispose();
        this.handles.delete(id);
      }
    }
    const streams: SourceStream[] = [];
    const descs: SourceDesc[] = [];
    for (const w of wanted) {
      let h = this.handles.get(w.id);
      if (!h) {
        h = new FrameSource(w.id, w.role, w.source);
        this.handles.set(w.id, h);
        const readable = h.takeReadable();
        if (readable) streams.push({ id: w.id, readable });
      }
      descs.push(h.desc());
    }
    this.fitStreams(descs);
    return { descs, streams };
  }

  /** Drops the source `id` (its track ended); returns what the page had given, if known. */
  remove(id: string): VisualSource | null {
    const h = this.handles.get(id);
    if (!h) return null;
    h.dispose();
    this.handles.delete(id);
    return h.source;
  }

  /** Sources whose track ended since the last sync (a stopped track fires no `ended`). */
  ended(): VisualSource[] {
    return [...this.handles.values()].filter((h) => hasEnded(h.source)).map((h) => h.source);
  }

  /** The `push` sources, all or only those in `ids`. */
  pushSources(ids?: ReadonlySet<string>): FrameSource[] {
    return [...this.handles.values()].filter(
      (h) => h.kind === 'push' && (ids === undefined || ids.has(h.id)),
    );
  }

  /** Disposes every handle (clones stopped, streams cancelled). */
  clear(): void {
    for (const h of this.handles.values()) h.dispose();
    this.handles.clear();
  }

  private idOf(role: string, source: VisualSource, key: string): string {
    let id = this.ids.get(source);
    if (!id) {
      id = `${role}:${key}:${this.nextId++}`;
      this.ids.set(source, id);
    }
    return id;
  }

  /** Sizes camera clones to their tiles (see FrameSource.fit). */
  private fitStreams(descs: SourceDesc[]): void {
    const stage = descs.find((d) => d.role === 'stage') ?? null;
    const layout = computeLayout(
      { stage, webcams: descs.filter((d) => d.role === 'webcam') },
      this.frame,
    );
    for (const tile of [
      ...(layout.stage && stage ? [{ ...layout.stage, id: stage.id }] : []),
      ...layout.webcams,
    ]) {
      this.handles.get(tile.id)?.fit(tile.draw.width, tile.draw.height);
    }
  }
}
