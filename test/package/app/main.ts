// A user's page in a fresh Vite project that installed the packed tarball: it imports the
// package as the README's npm section shows. The storage kind comes from the query string, so
// one build serves both: `?storage=presigned`, or `?storage=s3&endpoint=...&bucket=...`.
import 'room-recorder';
import type { RrRecorder } from 'room-recorder';

const params = new URLSearchParams(location.search);

// Something to record: a canvas that animates.
const stage = document.createElement('canvas');
stage.width = 1280;
stage.height = 720;
document.body.append(stage);
const ctx = stage.getContext('2d')!;
setInterval(() => {
  const t = performance.now() / 1000;
  ctx.fillStyle = '#123';
  ctx.fillRect(0, 0, 1280, 720);
  ctx.fillStyle = '#fc3';
  ctx.fillRect(100 + ((t * 200) % 1000), 300, 120, 120);
}, 33);

// The browser's (fake) camera and microphone, as a webcam tile and the room's audio.
const media = await navigator.mediaDevices.getUserMedia({ video: true, audio: true });

const recorder = document.createElement('rr-recorder') as RrRecorder;
recorder.setAttribute('user-role', 'host');
recorder.setAttribute('user-id', 'host-1');
recorder.setAttribute('room-id', params.get('room') ?? 'package-room');
recorder.setAttribute('media-owner-id', 'host-1');
recorder.setAttribute('meeting-title', 'Package test');
recorder.storage =
  params.get('storage') === 's3'
    ? {
        kind: 's3',
        bucket: params.get('bucket')!,
        region: 'us-east-1',
        endpoint: params.get('endpoint')!,
        forcePathStyle: true,
        // The local test server's fixed credentials (s3rver), valid nowhere else. A real page
        // gets short-lived credentials from its server instead.
        credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      }
    : { kind: 'presigned', baseUrl: '/api/s3' };
recorder.stage = stage;
recorder.webcams = [{ id: 'host-1', source: media.getVideoTracks()[0]! }];
recorder.audioTracks = media.getAudioTracks();
document.body.append(recorder);
