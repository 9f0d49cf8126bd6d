// Browser test of issue 11's notebook side: the database hibernates while idle and comes back on
// the next run, and checkpoints save, restore and delete. Debian's Chromium against the real
// controller and real Docker, with a short idle timeout so the controller hibernates mid-test.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, outputDir, startStack } from './harness.mjs';

const T = { timeout: 90_000 };
let stack;
let browser;
let page;

const cell = (i) => page.getByTestId('cell').nth(i);
const shot = (name) => page.screenshot({ path: join(outputDir, `${name}.png`), fullPage: false });
const message = () => page.getByTestId('status-message');

async function setCell(i, sql) {
  await cell(i).locator('.cm-content').click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.insertText(sql);
  await page.keyboard.press('Escape'); // close a completion popup, if any
  await page.waitForFunction(([i, sql]) => JSON.parse(localStorage.getItem('pgsbx.notebook.v1') ?? '{}').cells?.[i]?.sql === sql, [i, sql]);
}

/** Runs cell i and waits until its run is done. */
async function run(i) {
  const before = Number((await cell(i).getAttribute('data-seq')) ?? 0);
  await cell(i).getByTestId('run').click();
  await page.waitForFunction(
    ([i, before]) => {
      const c = document.querySelectorAll('[data-testid=cell]')[i];
      return !!c && Number(c.dataset.seq) > before && c.dataset.status === 'done';
    },
    [i, before],
    { timeout: 60_000 },
  );
}

/** The first column of each row of cell i's (only) result table. */
async function firstColumn(i) {
  const rows = cell(i).getByTestId('result-table').locator('.rt-row');
  return (await rows.evaluateAll((els) => els.map((r) => r.querySelectorAll('.rt-cell')[1]?.textContent ?? ''))).map(Number);
}

async function waitForState(state) {
  await page.waitForFunction((s) => document.querySelector('[data-testid=sandbox-state]')?.dataset.state === s, state, { timeout: 60_000 });
}

describe('hibernation in the notebook', () => {
  before(
    async () => {
      stack = await startStack({
        env: { SANDBOX_IDLE_TIMEOUT: '4s', SANDBOX_REAP_INTERVAL: '1s', SANDBOX_MAX_CHECKPOINTS: '1', SANDBOX_WARM_POOL: '0' },
      });
      browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
      page = await (await browser.newContext({ viewport: { width: 1440, height: 960 } })).newPage();
      page.on('pageerror', (e) => console.error('page error:', e.message));
      await page.goto(stack.baseUrl);
      await page.getByTestId('sign-in').click();
      await page.getByTestId('login-user').fill(`e2e-hib-${process.pid}`);
      await page.getByTestId('login-role').selectOption('pro');
      await page.getByTestId('login-submit').click();
      await page.getByTestId('mode-remote').click();
      await page.waitForFunction(() => document.querySelector('[data-testid=mode-remote]')?.getAttribute('aria-checked') === 'true');
    },
    { timeout: 120_000 },
  );

  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  test('an idle database hibernates, and the next run brings its rows back and says so', T, async () => {
    await setCell(0, 'create table kept (n int);\ninsert into kept select generate_series(1, 3);');
    await run(0);
    await waitForState('hibernated');
    assert.match(await page.getByTestId('saved-database').textContent(), /saved (just now|\d+ min ago), [\d.]+ (B|KiB|MiB)/);
    await shot('hibernated');

    await setCell(0, 'select n from kept order by n;');
    await run(0);
    assert.deepEqual(await firstColumn(0), [1, 2, 3]);
    await message()
      .getByText(/^Restored your database \(saved (just now|\d+ min ago)\) in \d+ ms\./)
      .waitFor();
    assert.match(await cell(0).getByTestId('notices').textContent(), /Restored your database as saved at/);
    await shot('restored');
  });

  test('save a checkpoint, change the data, Reset to… brings the checkpoint back; then delete it', T, async () => {
    await page.getByTestId('save-checkpoint').click();
    await page.getByTestId('checkpoint-name').fill('three rows');
    await page.getByTestId('checkpoint-save').click();
    await message()
      .getByText(/not a checkpoint name/)
      .waitFor();

    await page.getByTestId('save-checkpoint').click();
    await page.getByTestId('checkpoint-name').fill('three-rows');
    await page.getByTestId('checkpoint-save').click();
    await message()
      .getByText(/^Saved checkpoint "three-rows" \([\d.]+ (B|KiB|MiB)\)\./)
      .waitFor();

    // One checkpoint is the most allowed here: a second name is refused with the controller's reason.
    await page.getByTestId('save-checkpoint').click();
    await page.getByTestId('checkpoint-name').fill('another');
    await page.getByTestId('checkpoint-save').click();
    await message()
      .getByText(/^Saving checkpoint "another" failed: You already have 1 checkpoints \(three-rows\)/)
      .waitFor();
    // The same name again asks before replacing.
    await page.getByTestId('save-checkpoint').click();
    await page.getByTestId('checkpoint-name').fill('three-rows');
    await page.getByTestId('checkpoint-save').click();
    await page
      .getByRole('alertdialog', { name: 'Confirm replace' })
      .getByText(/Replace checkpoint "three-rows"/)
      .waitFor();
    await page.getByRole('alertdialog', { name: 'Confirm replace' }).getByRole('button', { name: 'Cancel' }).click();

    await setCell(0, 'insert into kept values (4), (5);\nselect n from kept order by n;');
    await run(0);
    assert.deepEqual(await firstColumn(0), [1, 2, 3, 4, 5]);

    await page.getByTestId('reset-to').click();
    const item = page.getByTestId('checkpoint-three-rows');
    assert.match(await item.textContent(), /three-rows.*(just now|min ago) · [\d.]+ (B|KiB|MiB)/);
    assert.match(await page.getByTestId('checkpoint-menu').textContent(), /1 of 1 checkpoints/);
    await shot('checkpoint-menu');
    await item.getByRole('menuitem').click();
    await page
      .getByRole('alertdialog', { name: 'Confirm reset' })
      .getByText(/Reset to "three-rows"/)
      .waitFor();
    await page.getByTestId('checkpoint-confirm').click();
    await message()
      .getByText(/^Reset to checkpoint "three-rows"/)
      .waitFor({ timeout: 60_000 });

    await setCell(0, 'select n from kept order by n;');
    await run(0);
    assert.deepEqual(await firstColumn(0), [1, 2, 3]);

    await page.getByTestId('reset-to').click();
    await page.getByTestId('checkpoint-delete-three-rows').click();
    await page.getByTestId('checkpoint-confirm').click();
    await message()
      .getByText(/^Deleted checkpoint "three-rows"\./)
      .waitFor();
    await page.getByTestId('reset-to').click();
    await page.getByTestId('checkpoint-menu').getByText('No checkpoints yet').waitFor();
    await shot('checkpoints-empty');
  });
});
