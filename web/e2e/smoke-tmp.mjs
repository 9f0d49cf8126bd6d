import { chromium } from 'playwright-core';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-background-networking', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'] });
for (let i = 0; i < 2; i++) {
const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
page.on('console', m => console.log('console:', m.text()));
const t0 = Date.now();
await page.goto('http://localhost:4173/');
await page.getByTestId('sandbox-state').filter({ hasText: 'ready' }).waitFor({ timeout: 60000 });
console.log('pglite ready', Date.now() - t0, await page.getByTestId('sandbox-state').textContent());
await page.close();
}
await browser.close();
