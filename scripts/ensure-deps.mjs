import { ensureAll } from './lib/ensure.mjs';
ensureAll();
