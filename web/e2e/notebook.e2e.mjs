// Browser tests: Debian's Chromium (playwright-core) against the real controller and real Docker.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, outputDir, startStack } from './harness.mjs';
import { notebookPage } from './page-helpers.mjs';

const T = { timeout: 60_000 };
let stack;
let browser;
let page;
const timings = {};

let nb;
const cell = (i) => nb.cell(i);
const shot = (name) => page.screenshot({ path: join(outputDir, `${name}.png`), fullPage: false });
const setCell = (i, sql) => nb.setCell(i, sql);
const run = (i, opts) => nb.run(i, opts);
const summaries = (i) => nb.summaries(i);
const ensureCells = (n) => nb.ensureCells(n);
const signIn = (userId, role) => nb.signIn(userId, role);

async function chooseSession(name) {
  await page.getByTestId('session-picker').selectOption(name);
}

describe('notebook in the browser', () => {
  before(
    async () => {
      stack = await startStack();
      browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
      const context = await browser.newContext({ viewport: { width: 1440, height: 960 }, acceptDownloads: true });
      page = await context.newPage();
      nb = notebookPage(page);
      page.on('pageerror', (e) => console.error('page error:', e.message));
    },
    { timeout: 120_000 },
  );

  after(async () => {
    await browser?.close();
    await stack?.stop();
    console.log(`timings: ${JSON.stringify(timings)}`);
  });

  test('PGlite: a query runs without signing in', T, async () => {
    const t0 = Date.now();
    await page.goto(stack.baseUrl);
    await page.getByTestId('sign-in').waitFor();
    await setCell(0, "select 1 + 1 as two, 'x' as label, null::text as nothing, 9007199254740993::int8 as big;");
    await run(0, { keys: true });
    timings.pgliteFirstResultMs = Date.now() - t0;
    const table = cell(0).getByTestId('result-table');
    await table.waitFor();
    const first = table.locator('.rt-row').first();
    assert.equal(await first.locator('.rt-cell').nth(1).textContent(), '2');
    assert.match((await first.locator('.rt-cell').nth(1).getAttribute('class')) ?? '', /\bnum\b/);
    assert.equal(await first.locator('.rt-cell').nth(3).textContent(), 'NULL');
    assert.match((await first.locator('.rt-cell').nth(3).getAttribute('class')) ?? '', /kind-null/);
    assert.equal(await first.locator('.rt-cell').nth(4).textContent(), '9007199254740993');
    assert.equal(await page.getByTestId('mode-pglite').getAttribute('aria-checked'), 'true');
    const state = await page.getByTestId('sandbox-state').textContent();
    console.log(`PGlite: time to first result ${timings.pgliteFirstResultMs} ms from page load (${state})`);
  });

  test('PGlite: per-statement results, error underline, JSON, plans, notices', T, async () => {
    await ensureCells(2);
    const sql =
      'create table t (id int primary key, j jsonb);\ninsert into t values (1, \'{"a": [1, 2], "b": {"c": null}}\');\nselect * from t;\nselect nope from t;';
    await setCell(0, sql);
    await run(0);
    assert.deepEqual(await summaries(0), ['✓ CREATE TABLE', '1 row affected', '1 row']);
    const err = cell(0).getByTestId('sql-error');
    assert.match(await err.textContent(), /42703/);
    assert.match(await err.textContent(), /column "nope" does not exist/);
    assert.match(await err.textContent(), /line 4, column 8/);
    await cell(0).locator('.cm-lintRange-error').first().waitFor();
    assert.equal(await cell(0).locator('.cm-lintRange-error').first().textContent(), 'nope');
    await page.getByTestId('table-public.t').waitFor();
    // json is collapsible: the cell opens an inspector
    await cell(0).locator('.json-cell').first().click();
    await cell(0)
      .getByTestId('json-inspector')
      .getByText('"a"')
      .or(cell(0).getByTestId('json-inspector').getByText('a:'))
      .first()
      .waitFor();

    // completion knows the schema tree: schemas, tables, columns
    await setCell(1, 'select ');
    await page.keyboard.press('ControlOrMeta+End');
    await page.keyboard.type('j from public.');
    await page.locator('.cm-tooltip-autocomplete').getByText('t', { exact: true }).waitFor();
    await page.keyboard.press('Escape');
    await setCell(
      1,
      "explain select * from t;\nexplain (format json) select * from t;\ndo $$ begin raise notice 'hello from plpgsql'; end $$;",
    );
    await run(1);
    assert.match(await cell(1).locator('.plan-text').textContent(), /Seq Scan on t/);
    await cell(1).getByTestId('json-plan').getByText('Seq Scan').waitFor();
    assert.match(await cell(1).getByTestId('notices').textContent(), /NOTICE: hello from plpgsql/);
    await shot('pglite-results');
  });

  test('PGlite: 10,000 rows are virtualised and scroll to the end', T, async () => {
    await setCell(1, 'select g, md5(g::text) as hash, g * 1.5 as x from generate_series(1, 10000) g;');
    await run(1);
    assert.deepEqual(await summaries(1), ['10,000 rows']);
    const table = cell(1).getByTestId('result-table');
    const rendered = await table.locator('.rt-row').count();
    assert.ok(rendered > 5 && rendered < 100, `only visible rows are in the DOM (got ${rendered})`);
    const t0 = Date.now();
    for (let k = 0; k < 20; k++) await table.evaluate((el, k) => (el.scrollTop = (el.scrollHeight * k) / 20), k);
    await table.evaluate((el) => (el.scrollTop = el.scrollHeight));
    await table.locator('[data-row="9999"]').waitFor();
    timings.scroll10kMs = Date.now() - t0;
    assert.equal(await table.locator('[data-row="9999"] .rt-cell').nth(1).textContent(), '10000');
    await shot('pglite-10k-rows');
  });

  test('notebook: export and import a .sql file', T, async () => {
    const download = page.waitForEvent('download');
    await page.getByTestId('export').click();
    const file = await (await download).path();
    const text = readFileSync(file, 'utf8');
    assert.match(text, /^-- %% cell\n/);
    assert.ok(text.includes('select g, md5(g::text)'), 'the export holds the cells');
    await page.getByTestId('import-input').setInputFiles({
      name: 'imported.sql',
      mimeType: 'application/sql',
      buffer: Buffer.from('-- %% cell\nselect 1;\n\n-- %% cell\nselect 2;\n\n-- %% cell\nselect 3;\n\n-- %% cell\nselect 4;\n'),
    });
    await page.getByTestId('confirm-ok').click(); // Import asks before it replaces the cells
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=cell]').length === 4);
    assert.match(await cell(2).locator('.cm-content').textContent(), /select 3;/);
    // move and delete
    await cell(2).getByRole('button', { name: 'Move cell up' }).click();
    assert.match(await cell(1).locator('.cm-content').textContent(), /select 3;/);
    await cell(3).getByRole('button', { name: 'Delete cell' }).click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=cell]').length === 3);
  });

  test('PGlite: reset gives an empty database', T, async () => {
    await page.getByRole('button', { name: 'Reset database' }).click();
    await page.getByRole('button', { name: 'Yes, reset' }).click();
    await page.getByTestId('tree-empty').waitFor();
    await setCell(0, 'select * from t;');
    await run(0);
    assert.match(await cell(0).getByTestId('sql-error').textContent(), /42P01/);
  });

  test('a user without a premium role is refused Real Postgres, with the reason', T, async () => {
    await page.getByTestId('mode-remote').click();
    await page
      .getByTestId('status-message')
      .getByText(/premium/i)
      .waitFor();
    await signIn(`e2e-basic-${process.pid}`, 'user');
    await page.getByTestId('mode-remote').click();
    const msg = page.getByTestId('status-message');
    await msg.getByText(/premium/i).waitFor();
    console.log(`refusal shown: ${await msg.textContent()}`);
    assert.equal(await page.getByTestId('mode-pglite').getAttribute('aria-checked'), 'true');
    assert.equal(await page.getByTestId('mode-remote').getAttribute('aria-checked'), 'false');
    await shot('non-premium-refused');
    await page.getByTestId('sign-out').click();
    await page.getByTestId('sign-in').waitFor();
  });

  test('premium: Real Postgres with PostGIS draws the shapes', { timeout: 90_000 }, async () => {
    await signIn(`e2e-pro-${process.pid}`, 'pro');
    await page.getByTestId('mode-remote').click();
    await page.waitForFunction(() => document.querySelector('[data-testid=mode-remote]')?.getAttribute('aria-checked') === 'true');
    assert.equal(await page.evaluate(() => localStorage.getItem('pgsbx.mode')), 'remote');
    await page.getByTestId('session-picker').waitFor();
    await setCell(0, "select 1 as one, current_setting('server_version') as version;");
    const t0 = Date.now();
    await run(0);
    timings.remoteFirstResultMs = Date.now() - t0;
    console.log(`Real Postgres: time to first result ${timings.remoteFirstResultMs} ms from Run`);
    assert.match(await cell(0).getByTestId('result-table').textContent(), /17\./);
    await page
      .getByTestId('sandbox-state')
      .getByText(/ready|busy/)
      .waitFor();

    await setCell(
      1,
      "create extension postgis;\nselect 'area' as name, ST_Buffer(ST_MakePoint(0, 0), 1, 8) as geom\nunion all select 'route', ST_MakeLine(ST_MakePoint(-2, -1), ST_MakePoint(2, 1.5))\nunion all select 'spot', ST_MakePoint(1.5, -0.5)\nunion all select 'wkt', ST_GeomFromText('MULTIPOINT((-1 1),(1 1))');",
    );
    await run(1);
    assert.deepEqual(await summaries(1), ['✓ CREATE EXTENSION', '4 rows']);
    const sketch = cell(1).getByTestId('geo-sketch');
    await sketch.waitFor();
    assert.ok((await sketch.locator('path').count()) >= 2, 'the polygon and the line are drawn');
    assert.ok((await sketch.locator('circle').count()) >= 3, 'the points are drawn');
    assert.match(await sketch.textContent(), /geom: 4 shapes/);
    await setCell(2, 'select ST_AsText(ST_MakeEnvelope(0, 0, 3, 2)) as box_wkt, ST_AsGeoJSON(ST_MakePoint(1, 1))::json as gj;');
    await run(2);
    assert.equal(await cell(2).getByTestId('geo-sketch').count(), 2);
    await shot('remote-postgis');
  });

  test('Real Postgres: DDL updates the tree; errors are underlined', T, async () => {
    await setCell(
      0,
      "create table items (id int primary key, name text not null);\ncreate index items_name on items (name);\ninsert into items values (1, 'one'), (2, 'two');",
    );
    await run(0);
    assert.deepEqual(await summaries(0), ['✓ CREATE TABLE', '✓ CREATE INDEX', '2 rows affected']);
    const node = page.getByTestId('table-public.items');
    await node.waitFor();
    await node.getByRole('button', { name: 'items' }).click();
    await page.getByTestId('column-public.items.name').getByText('text').waitFor();
    await setCell(2, "select g, repeat('x', 20) as filler from generate_series(1, 10050) g;");
    await run(2);
    await cell(2).getByTestId('truncated').waitFor();
    assert.deepEqual(await summaries(2), ['10,000 rows']);
    await setCell(1, 'select 1;\nselect nam from items;');
    await run(1);
    assert.match(await cell(1).getByTestId('sql-error').textContent(), /42703/);
    await cell(1).locator('.cm-lintRange-error').first().waitFor();
    assert.equal(await cell(1).locator('.cm-lintRange-error').first().textContent(), 'nam');
    await shot('remote-tree-and-error');
  });

  test('Real Postgres: two sessions show a lock wait', { timeout: 90_000 }, async () => {
    await ensureCells(4);
    await setCell(
      0,
      'create table acct (id int primary key, v int);\ninsert into acct values (1, 0);\nbegin;\nupdate acct set v = 1 where id = 1;',
    );
    await setCell(1, 'update acct set v = 2 where id = 1;');
    await setCell(
      2,
      "select count(*)::int as waiting, string_agg(left(query, 60), ' | ') as queries from pg_stat_activity where wait_event_type = 'Lock';",
    );
    await setCell(3, 'commit;');
    await chooseSession('main');
    await run(0);
    assert.deepEqual(await summaries(0), ['✓ CREATE TABLE', '1 row affected', '✓ BEGIN', '1 row affected']);
    await chooseSession('s2');
    await run(1, { until: 'started' });
    await chooseSession('s3');
    let waiting = '0';
    for (let k = 0; k < 20 && waiting !== '1'; k++) {
      await run(2);
      waiting = await cell(2).locator('[data-row="0"] .rt-cell').nth(1).textContent();
    }
    assert.equal(waiting, '1', `session s2 waits for a lock: ${await cell(2).locator('[data-row="0"]').textContent()}`);
    assert.equal(await cell(1).getAttribute('data-status'), 'running', 'the s2 cell is still running');
    await cell(1).getByTestId('cancel').waitFor();
    await shot('remote-lock-wait');
    await chooseSession('main');
    await run(3);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=cell]')[1]?.dataset.status === 'done');
    assert.deepEqual(await summaries(1), ['1 row affected']);
    // main's update committed first, then s2's went through
    await setCell(2, 'select v from acct;');
    await run(2);
    assert.equal(await cell(2).locator('[data-row="0"] .rt-cell').nth(1).textContent(), '2');
  });

  test('Real Postgres: a running statement can be cancelled', T, async () => {
    await chooseSession('main');
    await setCell(0, 'select pg_sleep(20);');
    await run(0, { until: 'started' });
    await cell(0).getByTestId('cancel').click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=cell]')[0]?.dataset.status === 'done', null, {
      timeout: 15_000,
    });
    assert.match(await cell(0).getByTestId('sql-error').textContent(), /57014/);
  });

  test('Real Postgres: reset gives a fresh container and an empty tree', T, async () => {
    await page.getByRole('button', { name: 'Reset database' }).click();
    await page.getByRole('button', { name: 'Yes, reset' }).click();
    await page.getByTestId('tree-empty').waitFor();
    assert.equal(await page.getByTestId('table-public.items').count(), 0);
    await setCell(0, 'select * from items;');
    await run(0);
    assert.match(await cell(0).getByTestId('sql-error').textContent(), /42P01/);
    await shot('remote-after-reset');
  });

  test('Real Postgres: a container that died is replaced, and the user is told why', T, async () => {
    const container = await page.locator('.container-name').getAttribute('title');
    assert.ok(container?.startsWith(stack.prefix), `the status bar names the container (${container})`);
    execFileSync('docker', ['kill', container], { stdio: 'ignore' });
    await setCell(0, 'select 42 as answer;');
    // Until the controller has seen the death, a run may fail on the lost connection; the next gets a fresh sandbox.
    for (let k = 0; k < 3 && (await cell(0).getByTestId('run-notice').count()) === 0; k++) await run(0);
    assert.match(await cell(0).getByTestId('run-notice').textContent(), /previous sandbox stopped/);
    assert.deepEqual(await summaries(0), ['1 row']);
    await shot('remote-replaced');
  });
});
