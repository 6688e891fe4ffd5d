import { expect } from '@esm-bundle/chai';
import {
  StorageFullError,
  isQuotaExceeded,
  requestPersistence,
  storageEstimate,
} from '../../../src/journal/device-storage.js';

describe('storage', () => {
  it('estimates quota, usage and what is left', async () => {
    const estimate = await storageEstimate();
    expect(estimate).to.not.equal(null);
    expect(estimate!.quota).to.be.greaterThan(0);
    expect(estimate!.available).to.equal(Math.max(0, estimate!.quota - estimate!.usage));
  });

  it('requests persistence and answers a boolean', async () => {
    expect(await requestPersistence()).to.be.a('boolean');
  });

  it('answers null and false when the browser has no storage manager', async () => {
    Object.defineProperty(navigator, 'storage', { value: undefined, configurable: true });
    try {
      expect(await storageEstimate()).to.equal(null);
      expect(await requestPersistence()).to.equal(false);
    } finally {
      delete (navigator as unknown as Record<string, unknown>).storage;
    }
    expect(navigator.storage).to.not.equal(undefined);
  });

  it('recognises a QuotaExceededError and explains a full disk', () => {
    expect(isQuotaExceeded(new DOMException('x', 'QuotaExceededError'))).to.equal(true);
    expect(isQuotaExceeded(new DOMException('x', 'AbortError'))).to.equal(false);
    expect(isQuotaExceeded(null)).to.equal(false);
    const error = new StorageFullError('rec', null);
    expect(error.name).to.equal('StorageFullError');
    expect(error.message).to.contain('Everything written before is kept');
  });
});
