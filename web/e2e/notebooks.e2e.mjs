// Browser tests of saved and shared notebooks: Debian's Chromium (playwright-core) against the
// real controller, its real control database and real Docker (the harness of notebook.e2e.mjs).
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, outputDir, startStack } from './harness.mjs';

const T = { timeout: 90_000 };
const ann = `e2e-nb-ann-${process.pid}`;
const bob = `e2e-nb-bob-${process.pid}`;
let stack;
let browser;
let page; // ann's
let shareUrl;

const shot = (p, name) => p.screenshot({ path: join(outputDir, `${name}.png`), fullPage: false });
const cell = (p, i) => p.getByTestId('cell').nth(i);

async function setCell(p, i, sql) {
  await cell(p, i).locator('.cm-content').click();
  await p.keyboard.press('ControlOrMeta+a');
  await p.keyboard.insertText(sql);
  await p.keyboard.press('Escape');
  await p.waitForFunction(([i, sql]) => JSON.parse(localStorage.getItem('pgsbx.notebook.v1') ?? '{}').cells?.[i]?.sql === sql, [i, sql]);
}

async function signIn(p, userId, role) {
  await p.getByTestId('sign-in').click();
  await p.getByTestId('login-user').fill(userId);
  await p.getByTestId('login-role').selectOption(role);
  await p.getByTestId('login-submit').click();
  await p.getByTestId('account').getByText(userId).waitFor();
}

/** The API as the page's signed-in user calls it. */
async function apiAs(p, method, path) {
  return p.evaluate(
    async ([method, path]) => {
      const res = await fetch(path, { method, headers: { authorization: `Bearer ${localStorage.getItem('pgsbx.token')}` } });
      return { status: res.status, body: await res.json() };
    },
    [method, path],
  );
}

const openId = (p) => p.evaluate(() => JSON.parse(localStorage.getItem('pgsbx.notebook.open.v1') ?? 'null')?.id ?? null);

/** Waits until the server holds the open notebook with a cell containing `text`, and the bar says saved. */
async function savedWith(p, text) {
  const id = await openId(p);
  assert.ok(id, 'a saved notebook is open');
  const deadline = Date.now() + 20_000;
  for (;;) {
    const { body } = await apiAs(p, 'GET', `/api/notebooks/${id}`);
    if (body.content?.includes(text)) break;
    if (Date.now() > deadline) throw new Error(`the server never got ${JSON.stringify(text)}: ${JSON.stringify(body).slice(0, 300)}`);
    await p.waitForTimeout(200);
  }
  await p.locator('[data-testid=save-state][data-state=saved]').waitFor();
}

async function openList(p) {
  if ((await p.getByTestId('notebook-list').count()) === 0) await p.getByTestId('notebooks-toggle').click();
  await p.getByTestId('notebook-list').waitFor();
}

const item = (p, name) => p.locator(`[data-testid=notebook-item][data-name="${name}"]`);

async function rename(p, from, to) {
  await openList(p);
  await item(p, from).getByTestId('rename-notebook').click();
  await p.getByTestId('rename-input').fill(to);
  await p.getByTestId('rename-input').press('Enter');
  await item(p, to).waitFor();
}

async function listNames(p) {
  await openList(p);
  await p.getByTestId('notebook-item').first().waitFor();
  return p.getByTestId('notebook-item').evaluateAll((els) => els.map((e) => e.dataset.name));
}

describe('saved and shared notebooks in the browser', () => {
  before(
    async () => {
      stack = await startStack();
      browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
      const context = await browser.newContext({ viewport: { width: 1440, height: 960 } });
      page = await context.newPage();
      page.on('pageerror', (e) => console.error('page error:', e.message));
    },
    { timeout: 120_000 },
  );

  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  test('signed out, the notebook lives in this browser; signed in, two named notebooks survive a reload', T, async () => {
    await page.goto(stack.baseUrl);
    await page.getByTestId('sign-in').waitFor();
    assert.equal(await page.getByTestId('save-state').textContent(), 'kept in this browser');
    await signIn(page, ann, 'user'); // any signed-in user, not only premium
    assert.equal(await page.getByTestId('save-state').textContent(), 'only in this browser');
    await page.getByTestId('save-to-account').waitFor();

    await openList(page);
    await page.getByTestId('new-notebook').click();
    await page.locator('[data-testid=notebook-name]', { hasText: 'Untitled notebook' }).waitFor();
    await setCell(page, 0, 'select 41 + 1 as answer;');
    await savedWith(page, 'select 41 + 1 as answer;');
    await rename(page, 'Untitled notebook', 'First notebook');
    await page.locator('[data-testid=notebook-name]', { hasText: 'First notebook' }).waitFor();

    await openList(page);
    await page.getByTestId('new-notebook').click();
    await page.locator('[data-testid=notebook-name]', { hasText: 'Untitled notebook' }).waitFor();
    await setCell(page, 0, "select 'second' as which;");
    await savedWith(page, "select 'second' as which;");
    await rename(page, 'Untitled notebook', 'Second notebook');
    await shot(page, 'notebooks-list');

    await page.reload();
    await page.locator('[data-testid=notebook-name]', { hasText: 'Second notebook' }).waitFor();
    assert.match(await cell(page, 0).locator('.cm-content').textContent(), /select 'second' as which;/);
    assert.deepEqual((await listNames(page)).sort(), ['First notebook', 'Second notebook']);
    await item(page, 'First notebook').getByTestId('open-notebook').click();
    await page.locator('[data-testid=notebook-name]', { hasText: 'First notebook' }).waitFor();
    assert.match(await cell(page, 0).locator('.cm-content').textContent(), /select 41 \+ 1 as answer;/);
    await page.locator('[data-testid=save-state][data-state=saved]').waitFor();
  });

  test('share: a fresh signed-out browser sees a read-only copy with its results; signed in, Fork makes it theirs', T, async () => {
    await cell(page, 0).getByTestId('run').click();
    await cell(page, 0).getByTestId('result-table').waitFor({ timeout: 45_000 });
    await page.getByTestId('share').click();
    const message = page.getByTestId('status-message').getByText(/\/\?share=/);
    await message.waitFor();
    shareUrl = /(http\S+\?share=[A-Za-z0-9_-]+)/.exec(await message.textContent())[1];
    assert.ok(shareUrl.startsWith(stack.baseUrl), shareUrl);
    await openList(page);
    assert.match(await item(page, 'First notebook').textContent(), /shared/);
    await page.getByTestId('notebooks-toggle').click(); // closes the list

    const other = await browser.newContext({ viewport: { width: 1440, height: 960 } });
    const visitor = await other.newPage();
    visitor.on('pageerror', (e) => console.error('visitor page error:', e.message));
    await visitor.goto(shareUrl);
    const view = visitor.getByTestId('shared-notebook');
    await view.waitFor();
    assert.equal(await visitor.getByTestId('shared-name').textContent(), 'First notebook');
    await view.getByTestId('result-table').waitFor();
    assert.match(await view.getByTestId('result-table').textContent(), /42/);
    assert.match(await view.locator('.shared-sql').first().textContent(), /select 41 \+ 1 as answer;/);
    assert.equal(await view.locator('.cm-content').count(), 0, 'read-only: no editor');
    assert.equal(await visitor.getByTestId('fork').textContent(), 'Sign in to fork');
    assert.equal(await visitor.getByTestId('fork').isDisabled(), true);
    await shot(visitor, 'notebooks-shared-view');

    await signIn(visitor, bob, 'pro');
    await visitor.getByTestId('fork').click();
    await visitor.getByTestId('shared-notebook').waitFor({ state: 'detached' });
    await visitor.locator('[data-testid=notebook-name]', { hasText: 'First notebook' }).waitFor();
    assert.match(await cell(visitor, 0).locator('.cm-content').textContent(), /select 41 \+ 1 as answer;/);
    assert.equal(new URL(visitor.url()).searchParams.get('share'), null);
    assert.deepEqual(await listNames(visitor), ['First notebook']);

    // Bob cannot open Ann's notebook by its id: it is as missing as one that never existed.
    const annsId = await openId(page);
    const peek = await apiAs(visitor, 'GET', `/api/notebooks/${annsId}`);
    assert.equal(peek.status, 404);
    assert.match(peek.body.message, /You have no notebook with id/);
    const forkedId = await openId(visitor);
    assert.notEqual(forkedId, annsId);
    assert.equal((await apiAs(page, 'GET', `/api/notebooks/${forkedId}`)).status, 404);
    await other.close();
  });

  test('Import asks before replacing the cells, and reads Jupytext/VS Code `-- %%` percent cells', T, async () => {
    const file = join(outputDir, 'percent-cells.sql');
    writeFileSync(file, '-- %% [markdown]\n-- # Imported\n\n-- %%\nselect 1 as imported;\n\n-- %%\nselect 2 as imported;\n');
    const before = await page.getByTestId('cell').count();
    await page.getByTestId('import-input').setInputFiles(file);
    const dialog = page.getByTestId('confirm-dialog');
    await dialog.waitFor();
    assert.match(await dialog.textContent(), /replace/);
    await shot(page, 'notebooks-import-confirm');
    await page.getByTestId('confirm-cancel').click();
    await dialog.waitFor({ state: 'detached' });
    assert.equal(await page.getByTestId('cell').count(), before);
    assert.match(await cell(page, 0).locator('.cm-content').textContent(), /select 41 \+ 1 as answer;/);

    await page.getByTestId('import-input').setInputFiles(file);
    await page.getByTestId('confirm-ok').click();
    await page.waitForFunction(() => JSON.parse(localStorage.getItem('pgsbx.notebook.v1') ?? '{}').cells?.length === 3);
    assert.equal(await page.getByTestId('cell').count(), 2, 'two SQL cells, and one markdown cell');
    assert.match(await cell(page, 0).locator('.cm-content').textContent(), /select 1 as imported;/);
    await savedWith(page, 'select 2 as imported;'); // the import is saved to the open notebook
  });
});
