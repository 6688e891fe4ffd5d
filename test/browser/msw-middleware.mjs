// Serves msw's service worker at the origin root, where msw expects it.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const workerPath = require.resolve('msw/mockServiceWorker.js');

export function mswWorkerMiddleware(ctx, next) {
  if (ctx.path === '/mockServiceWorker.js') {
    ctx.type = 'application/javascript';
    ctx.body = readFileSync(workerPath);
    return undefined;
  }
  return next();
}
