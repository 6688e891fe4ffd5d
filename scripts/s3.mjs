// Runs the local S3 server alone (for working on browser tests by hand):
//   node scripts/s3.mjs [--port 4569] [--dir .data/s3]
// Prints RR_S3_ENDPOINT=... ; stop with Ctrl-C.
import { parseArgs } from 'node:util';
import { startS3Server } from './lib/s3-server.mjs';

const { values } = parseArgs({ options: { port: { type: 'string' }, dir: { type: 'string' } } });
const s3 = await startS3Server({ port: Number(values.port ?? 4569), directory: values.dir });
console.log(`RR_S3_ENDPOINT=${s3.endpoint}`);
const stop = () => s3.stop().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
