// A page's link as CDP emulates it: the uploads to the local S3 server (on this machine) and
// the downloads of a stored file take as long as they would over that link. One definition
// for the headless demo's --uplink, the benchmarks and the e2e tests.

/**
 * Limits a Playwright page's network to `downloadMbps` / `uploadMbps` (megabits per second;
 * absent: unlimited) and returns the CDP session, which must stay open for the limit to hold.
 *
 * @param {import('playwright-core').Page} page
 * @param {{ downloadMbps?: number, uploadMbps?: number }} link
 */
export async function emulateLink(page, { downloadMbps, uploadMbps }) {
  const bytesPerSecond = (mbps) => (mbps === undefined ? -1 : (mbps * 1e6) / 8);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 0,
    downloadThroughput: bytesPerSecond(downloadMbps),
    uploadThroughput: bytesPerSecond(uploadMbps),
  });
  return cdp;
}
