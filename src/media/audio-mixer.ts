/**
 * Mixes every participant's audio track into one 48 kHz stereo track with Web Audio. The
 * mix keeps running with no inputs (silence), so the file has one continuous audio track
 * even while nobody speaks or before anyone joins.
 */
export class AudioMixer {
  readonly context: AudioContext;
  private readonly destination: MediaStreamAudioDestinationNode;
  private readonly inputs = new Map<MediaStreamTrack, MediaStreamAudioSourceNode>();

  constructor(sampleRate = 48_000) {
    this.context = new AudioContext({ sampleRate, latencyHint: 'playback' });
    this.destination = this.context.createMediaStreamDestination();
    this.destination.channelCount = 2;
    this.destination.channelCountMode = 'explicit';
  }

  /** The mixed track. */
  get track(): MediaStreamTrack {
    const t = this.destination.stream.getAudioTracks()[0];
    if (!t) throw new Error('The audio mix has no track');
    return t;
  }

  /** Number of tracks mixed now. */
  get size(): number {
    return this.inputs.size;
  }

  /** Makes the mix exactly these tracks (ended tracks are left out). */
  setTracks(tracks: readonly MediaStreamTrack[]): void {
    const live = new Set(tracks.filter((t) => t.kind === 'audio' && t.readyState === 'live'));
    for (const [track, node] of this.inputs) {
      if (!live.has(track)) {
        node.disconnect();
        this.inputs.delete(track);
      }
    }
    for (const track of live) {
      if (this.inputs.has(track)) continue;
      const node = this.context.createMediaStreamSource(new MediaStream([track]));
      node.connect(this.destination);
      this.inputs.set(track, node);
    }
  }

  /** Starts the audio clock (an AudioContext may start suspended without a user gesture). */
  async resume(): Promise<void> {
    if (this.context.state === 'suspended') await this.context.resume();
  }

  async close(): Promise<void> {
    for (const node of this.inputs.values()) node.disconnect();
    this.inputs.clear();
    this.track.stop();
    if (this.context.state !== 'closed') await this.context.close();
  }
}
