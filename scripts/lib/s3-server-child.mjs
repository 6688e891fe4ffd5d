// The s3rver process itself; see s3-server.mjs.
import S3rver from 's3rver';

const corsXml = `<?xml version="1.0" encoding="UTF-8"?>
<CORSConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <CORSRule>
    <AllowedOrigin>*</AllowedOrigin>
    <AllowedMethod>GET</AllowedMethod>
    <AllowedMethod>HEAD</AllowedMethod>
    <AllowedMethod>PUT</AllowedMethod>
    <AllowedMethod>POST</AllowedMethod>
    <AllowedMethod>DELETE</AllowedMethod>
    <AllowedHeader>*</AllowedHeader>
    <ExposeHeader>ETag</ExposeHeader>
    <ExposeHeader>Content-Length</ExposeHeader>
    <ExposeHeader>Content-Range</ExposeHeader>
    <ExposeHeader>Accept-Ranges</ExposeHeader>
    <ExposeHeader>x-amz-meta-owner</ExposeHeader>
    <ExposeHeader>x-amz-meta-initiator</ExposeHeader>
    <ExposeHeader>x-amz-meta-title</ExposeHeader>
    <ExposeHeader>x-amz-meta-duration</ExposeHeader>
    <ExposeHeader>x-amz-meta-started-at</ExposeHeader>
    <ExposeHeader>x-amz-meta-room</ExposeHeader>
    <ExposeHeader>x-amz-meta-recording-id</ExposeHeader>
    <MaxAgeSeconds>3000</MaxAgeSeconds>
  </CORSRule>
</CORSConfiguration>`;

// With RR_S3_NO_ETAG_BUCKET, a second bucket whose CORS rules do not expose ETag, as a
// misconfigured bucket would: the pre-flight's test write must say so
// (test/browser/recorder/preflight.test.ts).
const corsWithoutEtag = corsXml.replace('    <ExposeHeader>ETag</ExposeHeader>\n', '');
if (corsWithoutEtag === corsXml)
  throw new Error('the CORS rules no longer expose ETag as expected');
const bucket = process.env.RR_S3_BUCKET ?? 'room-recorder';

const server = new S3rver({
  port: Number(process.env.RR_S3_PORT ?? 0),
  address: '127.0.0.1',
  directory: process.env.RR_S3_DIR,
  silent: true,
  configureBuckets: [
    { name: bucket, configs: [corsXml] },
    ...(process.env.RR_S3_NO_ETAG_BUCKET
      ? [{ name: `${bucket}-no-etag`, configs: [corsWithoutEtag] }]
      : []),
  ],
});
const { port } = await server.run();
process.stdout.write(`RR_S3_LISTENING ${port}\n`);
// server.close() waits for every open connection, and a browser's keep-alive ones (or its
// retries) can hold it for tens of seconds: what is written is on disk, so exit soon anyway.
const close = () => {
  setTimeout(() => process.exit(0), 2_000).unref();
  return server.close().finally(() => process.exit(0));
};
process.on('SIGTERM', close);
process.on('SIGINT', close);
// Die with the parent: an orphaned S3 server would hold the port.
process.on('disconnect', close);
setInterval(() => {
  if (process.ppid === 1) close();
}, 1000).unref();
