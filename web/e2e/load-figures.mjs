// Load figures for docs/NOTEBOOK.md ("Load"): the real controller serving a fresh build, Debian's
// Chromium, a cold page (new profile: empty HTTP cache and IndexedDB) and a warm one (reload), three
// times each, through a proxy that counts the bytes. Prints a Markdown table and writes
// test-output/load-figures.json. Usage:
//   node web/e2e/load-figures.mjs          (from the repository root, after `npm run build`)
import { writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { launchChromium, outputDir, startStack } from './harness.mjs';
import { notebookPage } from './page-helpers.mjs';

const ROUNDS = 3;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The notebook's first cell run as soon as the page allows; ms from navigation start to its result. */
async function firstResult(page) {
  await page.getByTestId('run').first().click();
  return page
    .waitForFunction(
      () => {
        const c = document.querySelector('[data-testid=cell]');
        return c?.dataset.status === 'done' && c.querySelector('[data-testid=result-table]') ? performance.now() : false;
      },
      null,
      { polling: 'raf', timeout: 60_000 },
    )
    .then((h) => h.jsonValue());
}

/**
 * A pass-through proxy in front of the controller that counts what it sends back, by path: the
 * bytes on the wire, worker requests included, and nothing for what the browser took from its cache.
 */
function countingProxy(target) {
  let rows = [];
  const server = createServer((req, res) => {
    const up = request(new URL(req.url, target), { method: req.method, headers: req.headers }, (upRes) => {
      res.writeHead(upRes.statusCode, upRes.headers);
      let bytes = 0;
      upRes.on('data', (d) => (bytes += d.length));
      upRes.on('end', () =>
        rows.push({
          name: req.url.replace(/^\/assets\//, '').replace(/-[\w-]{8}\./, '.'),
          encoding: upRes.headers['content-encoding'] ?? '-',
          wire: bytes,
        }),
      );
      upRes.pipe(res);
    });
    req.pipe(up);
  });
  return {
    listen: () => new Promise((r) => server.listen(0, '127.0.0.1', () => r(`http://127.0.0.1:${server.address().port}`))),
    take: () => {
      const out = rows;
      rows = [];
      return out;
    },
    close: () => server.close(),
  };
}

const stack = await startStack();
const proxy = countingProxy(stack.baseUrl);
const baseUrl = await proxy.listen();
const browser = await launchChromium();
const out = { cold: [], warm: [], coldStart: [], warmStart: [], coldBytes: [], warmBytes: [], remote: null, loadAverage: loadavg() };
try {
  for (let k = 0; k < ROUNDS; k++) {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    proxy.take();
    await page.goto(baseUrl);
    out.cold.push(await firstResult(page));
    out.coldStart.push(await page.getByTestId('sandbox-state').textContent());
    out.coldBytes.push(proxy.take());
    await page.reload();
    out.warm.push(await firstResult(page));
    out.warmStart.push(await page.getByTestId('sandbox-state').textContent());
    out.warmBytes.push(proxy.take());
    await context.close();
  }

  // Real Postgres: the toggle claims the sandbox, so the first Run does not wait for it.
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const nb = notebookPage(page);
  await page.goto(baseUrl);
  await nb.signIn(`load-${process.pid}`, 'pro');
  const t0 = Date.now();
  await page.getByTestId('mode-remote').click();
  await page.locator('[data-testid=sandbox-state][data-state=ready]').waitFor({ timeout: 60_000 });
  const toggleToReady = Date.now() - t0;
  await nb.setCell(0, 'select 1 as one;');
  const t1 = Date.now();
  await nb.run(0);
  out.remote = { toggleToReadyMs: toggleToReady, firstRunMs: Date.now() - t1 };
  await context.close();
} finally {
  await browser.close();
  proxy.close();
  await stack.stop();
}

const total = (rows) => rows.reduce((a, r) => a + r.wire, 0);
const mb = (n) => (n / 1e6).toFixed(2);
const cold = out.coldBytes[0];
console.log(`| | median of ${ROUNDS} |\n|---|---|`);
console.log(
  `| cold: navigation → first PGlite result | ${(median(out.cold) / 1000).toFixed(2)} s (${out.cold.map((x) => (x / 1000).toFixed(2)).join(', ')}) |`,
);
console.log(
  `| warm (reload): navigation → first result | ${(median(out.warm) / 1000).toFixed(2)} s (${out.warm.map((x) => (x / 1000).toFixed(2)).join(', ')}) |`,
);
console.log(
  `| PGlite's own start (status bar), cold / warm | ${out.coldStart.map((t) => t.match(/[\d.]+ s/)?.[0]).join(', ')} / ${out.warmStart.map((t) => t.match(/[\d.]+ s/)?.[0]).join(', ')} |`,
);
console.log(`| machine load average (1, 5, 15 min) | ${out.loadAverage.map((x) => x.toFixed(1)).join(', ')} |`);
console.log(`| cold bytes on the wire | ${mb(median(out.coldBytes.map(total)))} MB |`);
console.log(`| warm bytes on the wire | ${mb(median(out.warmBytes.map(total)))} MB |`);
console.log(`| Real Postgres: toggle → sandbox ready | ${out.remote.toggleToReadyMs} ms |`);
console.log(`| Real Postgres: first Run after it → result | ${out.remote.firstRunMs} ms |`);
console.log('\n| asset (cold) | encoding | bytes on the wire |\n|---|---|---|');
for (const r of [...cold].sort((a, b) => b.wire - a.wire)) console.log(`| ${r.name} | ${r.encoding} | ${r.wire.toLocaleString('en')} |`);
writeFileSync(join(outputDir, 'load-figures.json'), JSON.stringify(out, null, 2));
