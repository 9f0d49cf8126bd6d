// Browser tests for results (download, sort, filter, charts, history), plans, lock waits and the
// editor (text cells, formatting, keyboard, shortcuts, dark mode): Debian's Chromium
// (playwright-core) against the real controller and real Docker, as notebook.e2e.mjs does.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, outputDir, startStack } from './harness.mjs';
import { notebookPage } from './page-helpers.mjs';

const T = { timeout: 60_000 };
let stack;
let browser;
let context;
let page;
let nb;

const cell = (i) => page.getByTestId('cell').nth(i);
const shot = (name) => page.screenshot({ path: join(outputDir, `results-editor-${name}.png`), fullPage: false });
const cellCount = () => page.getByTestId('cell').count();

// typing into a cell, running it and adding cells as page-helpers.mjs does for every browser test
const setCell = (i, sql) => nb.setCell(i, sql);
const run = (i, options) => nb.run(i, options);
const ensureCells = (n) => nb.ensureCells(n);

/** Waits for cell i's run after `before` (its data-seq then) to start, or to finish. */
async function waitRun(i, before, until = 'done', timeout = 45_000) {
  await page.waitForFunction(
    ([i, before, until]) => {
      const c = document.querySelectorAll('[data-testid=cell]')[i];
      if (!c || Number(c.dataset.seq) <= before) return false;
      return until === 'done' ? c.dataset.status === 'done' : c.dataset.status === 'running' || c.dataset.status === 'done';
    },
    [i, before, until],
    { timeout },
  );
}

/** The index of the cell holding the keyboard focus (-1: none). */
const focusedCell = () =>
  page.evaluate(() => [...document.querySelectorAll('[data-testid=cell]')].indexOf(document.activeElement?.closest('[data-testid=cell]')));

/** Column `col` (1-based after the row number) of the rows the grid has drawn, top to bottom. */
async function columnTexts(i, col, n) {
  const out = [];
  for (let r = 0; r < n; r++) out.push(await cell(i).locator(`[data-row="${r}"] .rt-cell`).nth(col).textContent());
  return out;
}

async function download(trigger) {
  const pending = page.waitForEvent('download');
  await trigger.click();
  const d = await pending;
  return { name: d.suggestedFilename(), text: readFileSync(await d.path(), 'utf8') };
}

describe('results, plans, locks and the editor in the browser', () => {
  before(
    async () => {
      stack = await startStack();
      browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
      context = await browser.newContext({ viewport: { width: 1400, height: 960 }, acceptDownloads: true, colorScheme: 'light' });
      page = await context.newPage();
      nb = notebookPage(page);
      page.on('pageerror', (e) => console.error('page error:', e.message));
      await page.goto(stack.baseUrl);
      await page.getByTestId('sign-in').waitFor();
    },
    { timeout: 120_000 },
  );

  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  test('a result downloads as CSV and JSON with the values as shown', T, async () => {
    await setCell(
      0,
      "select * from (values (1, 'plain', 9007199254740993::int8), (2, 'a, \"quoted\"\nvalue', null), (3, '', 7)) v(id, label, big) order by id;",
    );
    await run(0);
    const csv = await download(cell(0).getByTestId('download-csv'));
    assert.equal(csv.name, 'result-1.csv');
    assert.equal(csv.text, 'id,label,big\r\n1,plain,9007199254740993\r\n2,"a, ""quoted""\nvalue",\r\n3,"",7\r\n');
    const json = await download(cell(0).getByTestId('download-json'));
    assert.equal(json.name, 'result-1.json');
    assert.deepEqual(JSON.parse(json.text), [
      { id: 1, label: 'plain', big: '9007199254740993' },
      { id: 2, label: 'a, "quoted"\nvalue', big: null },
      { id: 3, label: '', big: '7' },
    ]);
  });

  test('a header click sorts the grid, numbers as numbers; the filter box narrows it', T, async () => {
    await setCell(0, "select n, 'row ' || n as label from unnest(array[10, 9, 100, 1, 55]) n;");
    await run(0);
    const header = cell(0).locator('[role=columnheader][data-col="n"]');
    await header.click();
    assert.deepEqual(await columnTexts(0, 1, 5), ['1', '9', '10', '55', '100']);
    assert.equal(await header.getAttribute('aria-sort'), 'ascending');
    await header.click();
    assert.deepEqual(await columnTexts(0, 1, 5), ['100', '55', '10', '9', '1']);
    await cell(0).getByTestId('grid-filter').fill('ROW 10');
    await cell(0).getByTestId('grid-count').getByText('2 of 5 rows').waitFor();
    assert.deepEqual(await columnTexts(0, 1, 2), ['100', '10']);
    await shot('sorted-filtered');
    await cell(0).getByTestId('grid-filter').fill('');
  });

  test('numeric results chart as bars, lines over time and scatters, picked from the column types', T, async () => {
    await setCell(0, "select * from (values ('apples', 3, 1.5), ('pears', 5, 2.5), ('plums', 2, 0.5)) v(fruit, boxes, kg);");
    await run(0);
    await cell(0).getByTestId('view-chart').click();
    const chart = cell(0).getByTestId('result-chart');
    await chart.locator('canvas').waitFor();
    assert.equal(await chart.getAttribute('data-kind'), 'bar');
    assert.match(await chart.textContent(), /boxes, kg by fruit/);
    const size = await chart.locator('canvas').evaluate((c) => [c.width, c.height]);
    assert.ok(size[0] > 100 && size[1] > 100, `the canvas is drawn (${size})`);
    await shot('bar-chart');
    await cell(0).getByTestId('view-table').click();
    await cell(0).getByTestId('result-table').waitFor();

    await setCell(
      0,
      "select d::date as day, (extract(day from d) * 2)::int as visits from generate_series('2024-01-01'::date, '2024-01-20', '1 day') d;",
    );
    await run(0);
    await cell(0).getByTestId('view-chart').click();
    await cell(0).locator('[data-testid=result-chart][data-kind=line] canvas').waitFor();

    await setCell(0, 'select g::float8 as x, sin(g / 5.0) as y from generate_series(1, 60) g;');
    await run(0);
    await cell(0).getByTestId('view-chart').click();
    await cell(0).locator('[data-testid=result-chart][data-kind=scatter] canvas').waitFor();

    await setCell(0, "select 'no numbers here' as t;");
    await run(0);
    assert.equal(await cell(0).getByTestId('view-chart').count(), 0, 'no chart without numbers');
  });

  test('EXPLAIN ANALYZE draws a tree with time bars, rows estimated vs actual, the slowest node marked', T, async () => {
    await ensureCells(2);
    await setCell(
      1,
      'create table big as select g as id, g % 10 as k from generate_series(1, 20000) g;\n' +
        "explain analyze select k, count(*) from big where md5(id::text) like 'a%' group by k;\n" +
        "explain (analyze, format json) select k, count(*) from big where md5(id::text) like 'a%' group by k;",
    );
    await run(1);
    const text = cell(1).getByTestId('text-plan');
    await text.waitFor();
    const slowest = text.getByTestId('plan-slowest');
    assert.equal(await slowest.count(), 1, 'one node is the slowest');
    assert.match(await slowest.locator('.plan-head').first().textContent(), /Seq Scan on big.*slowest/);
    assert.match(await text.textContent(), /Aggregate/);
    assert.match(await text.locator('.plan-summary').textContent(), /Execution .*ms.*Slowest: Seq Scan/);
    // estimates without statistics are far off: the factor is shown
    assert.match(await text.getByTestId('plan-misestimate').first().textContent(), /× (under|over)estimated/);
    const bar = await slowest
      .locator('.plan-bar > span')
      .first()
      .evaluate((el) => el.style.width);
    assert.ok(parseInt(bar, 10) > 30, `the slowest node's bar is long (${bar})`);
    const json = cell(1).getByTestId('json-plan');
    assert.match(await json.getByTestId('plan-slowest').locator('.plan-head').first().textContent(), /Seq Scan on big/);
    await json.getByTestId('plan-raw-toggle').click();
    await json.getByText('"Node Type"').or(json.getByText('Node Type:')).first().waitFor();
    await text.getByTestId('plan-raw-toggle').click();
    assert.match(await text.locator('.plan-raw').textContent(), /->\s+Seq Scan on big/);
    await text.getByTestId('plan-raw-toggle').click();
    await text.scrollIntoViewIfNeeded();
    await shot('plan');
  });

  test('each run goes into the history; a past query runs again from there', T, async () => {
    await page.getByTestId('history-toggle').click();
    const panel = page.getByTestId('history-panel');
    await panel.waitFor();
    const first = panel.getByTestId('history-entry').first();
    assert.match(await first.textContent(), /explain \(analyze, format json\)/);
    const unique = `select 'from history ${process.pid}' as marker;`;
    await setCell(0, unique);
    await run(0);
    await panel.getByTestId('history-entry').first().getByText(`from history ${process.pid}`).waitFor();
    assert.match(await panel.getByTestId('history-outcome').first().textContent(), /1 row/);
    const before = await cellCount();
    await panel.getByTestId('history-rerun').first().click();
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid=cell]').length === n + 1, before);
    await waitRun(before, 0);
    assert.match(await cell(before).getByTestId('result-table').textContent(), new RegExp(`from history ${process.pid}`));
    const stored = await page.evaluate(() => JSON.parse(localStorage.getItem('pgsbx.history.v1.local') ?? '[]').length);
    assert.ok(stored >= 3, `the history is kept in localStorage (${stored} entries)`);
    await shot('history');
    await page.getByRole('button', { name: 'Close history' }).click();
  });

  test('a text cell renders markdown, escapes HTML, and round-trips through the .sql file', T, async () => {
    const before = await cellCount();
    await page.getByTestId('add-text').click();
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid=cell]').length === n + 1, before);
    const md = cell(before);
    await md.locator('.cm-content').waitFor();
    await page.keyboard.insertText(
      '# Sales notes\n\nSee *the* `big` table.\n\n<script>window.__xss = 1</script><img src=x onerror="window.__xss = 2">',
    );
    await page.keyboard.press('Escape');
    const rendered = md.getByTestId('markdown-rendered');
    await rendered.waitFor();
    assert.equal(await rendered.locator('h1').textContent(), 'Sales notes');
    assert.equal(await rendered.locator('em').textContent(), 'the');
    assert.equal(await rendered.locator('script, img').count(), 0, 'raw HTML is not made into elements');
    assert.match(await rendered.textContent(), /<script>window.__xss = 1<\/script>/);
    assert.equal(await page.evaluate(() => window.__xss), undefined);
    await shot('markdown');
    const file = await download(page.getByTestId('export'));
    assert.match(file.text, /-- %% \[markdown\]\n-- # Sales notes\n--\n-- See \*the\* `big` table\.\n/);
    // back in: the text cell is a text cell again
    await page.getByTestId('import-input').setInputFiles({ name: 'back.sql', mimeType: 'application/sql', buffer: Buffer.from(file.text) });
    await page.getByTestId('confirm-ok').click(); // Import asks before it replaces the cells
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid=cell]').length === n, before + 1);
    assert.equal(await cell(before).getAttribute('data-kind'), 'markdown');
    assert.equal(await cell(before).getByTestId('markdown-rendered').locator('h1').textContent(), 'Sales notes');
    // double-click edits it again
    await cell(before).getByTestId('markdown-rendered').dblclick();
    await cell(before).locator('.cm-content').waitFor();
    await page.keyboard.press('Escape');
    await cell(before).getByTestId('markdown-rendered').waitFor();
  });

  test('Shift+Enter runs and moves on, Alt+Enter runs and inserts, Esc then Tab leaves the editor', T, async () => {
    await page.getByTestId('import-input').setInputFiles({
      name: 'keys.sql',
      mimeType: 'application/sql',
      buffer: Buffer.from('-- %% cell\nselect 1 as one;\n\n-- %% cell\nselect 2 as two;\n'),
    });
    await page.getByTestId('confirm-ok').click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=cell]').length === 2);
    await cell(0).locator('.cm-content').click();
    await page.keyboard.press('Shift+Enter');
    await waitRun(0, 0);
    assert.equal(await focusedCell(), 1, 'the next cell has the keyboard');
    assert.match(await cell(0).getByTestId('result-table').textContent(), /one.*1/);
    await page.keyboard.press('Shift+Enter');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=cell]').length === 3);
    assert.equal(await focusedCell(), 2, 'after the last cell, a new one takes the keyboard');
    await cell(0).locator('.cm-content').click();
    await page.keyboard.press('Alt+Enter');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=cell]').length === 4);
    assert.equal(await focusedCell(), 1, 'Alt+Enter: a new cell right below has the keyboard');
    assert.equal(await page.evaluate(() => JSON.parse(localStorage.getItem('pgsbx.notebook.v1')).cells[1].sql), '');
    // Tab indents inside the editor; Esc then Tab moves on to the next control
    await cell(2).locator('.cm-content').click();
    await page.keyboard.press('End');
    await page.keyboard.press('Tab');
    assert.match(await cell(2).locator('.cm-content').textContent(), /^\s{2}select 2/, 'Tab alone indents the line');
    assert.ok(await page.evaluate(() => !!document.activeElement?.closest('.cm-editor')));
    await page.keyboard.press('Escape');
    await page.keyboard.press('Tab');
    assert.ok(await page.evaluate(() => !document.activeElement?.closest('.cm-editor')), 'Esc then Tab left the editor');
  });

  test('Format lays the SQL out (button and Shift+Alt+F)', T, async () => {
    await setCell(0, 'select id, name from people where id > 1 order by id;');
    await cell(0).getByTestId('format').click();
    await page.waitForFunction(
      () =>
        JSON.parse(localStorage.getItem('pgsbx.notebook.v1')).cells[0].sql ===
        'select\n  id,\n  name\nfrom\n  people\nwhere\n  id > 1\norder by\n  id;',
    );
    await setCell(1, 'select 1 as a, 2 as b;');
    await cell(1).locator('.cm-content').click();
    await page.keyboard.press('Shift+Alt+F');
    await page.waitForFunction(() => JSON.parse(localStorage.getItem('pgsbx.notebook.v1')).cells[1].sql === 'select\n  1 as a,\n  2 as b;');
  });

  test('"?" outside an editor opens the shortcuts sheet; inside one it is a character', T, async () => {
    await cell(1).locator('.cm-content').click();
    await page.keyboard.press('ControlOrMeta+End');
    await page.keyboard.type('?');
    assert.equal(await page.getByTestId('shortcuts-sheet').count(), 0);
    assert.ok((await cell(1).locator('.cm-content').textContent()).endsWith('?'));
    await page.locator('.topbar h1').click();
    await page.keyboard.press('?');
    const sheet = page.getByTestId('shortcuts-sheet');
    await sheet.waitFor();
    assert.match(await sheet.textContent(), /Esc, then Tab.*Leave the editor/);
    assert.match(await sheet.textContent(), /Shift \+ Enter.*next one/);
    await shot('shortcuts');
    await page.keyboard.press('Escape');
    await sheet.waitFor({ state: 'detached' });
  });

  test('dark mode follows the system until switched, and the switch is remembered', T, async () => {
    const theme = () => page.evaluate(() => document.documentElement.dataset.theme);
    const bg = () => page.evaluate(() => getComputedStyle(document.querySelector('.cell')).backgroundColor);
    assert.equal(await theme(), 'light');
    const lightBg = await bg();
    await page.getByTestId('theme-toggle').click();
    assert.equal(await theme(), 'dark');
    assert.notEqual(await bg(), lightBg);
    assert.equal(await page.getByTestId('theme-toggle').getAttribute('aria-pressed'), 'true');
    await setCell(0, "select 'dark' as mode, 42 as answer, null as nothing;");
    await run(0);
    await shot('dark');
    await page.reload();
    await page.getByTestId('cell').first().waitFor();
    assert.equal(await theme(), 'dark', 'remembered across a reload');
    await page.getByTestId('theme-toggle').click();
    assert.equal(await theme(), 'light');
    await page.evaluate(() => localStorage.removeItem('pgsbx.theme'));
    const dark = await browser.newContext({ viewport: { width: 800, height: 700 }, colorScheme: 'dark' });
    const p2 = await dark.newPage();
    await p2.goto(stack.baseUrl);
    await p2.getByTestId('cell').first().waitFor();
    assert.equal(await p2.evaluate(() => document.documentElement.dataset.theme), 'dark', 'a dark system gets the dark theme');
    await p2.screenshot({ path: join(outputDir, 'results-editor-dark-800.png') });
    await dark.close();
  });

  test('Real Postgres: a statement waiting on a lock names the session holding it', { timeout: 120_000 }, async () => {
    await page.getByTestId('sign-in').click();
    await page.getByTestId('login-user').fill(`e2e-locks-${process.pid}`);
    await page.getByTestId('login-role').selectOption('pro');
    await page.getByTestId('login-submit').click();
    await page.getByTestId('account').getByText(`e2e-locks-${process.pid}`).waitFor();
    await page.getByTestId('mode-remote').click();
    await page.waitForFunction(() => document.querySelector('[data-testid=mode-remote]')?.getAttribute('aria-checked') === 'true');
    await page.getByTestId('session-picker').waitFor();
    await ensureCells(3);
    await setCell(
      0,
      'create table acct (id int primary key, v int);\ninsert into acct values (1, 0);\nbegin;\nupdate acct set v = 1 where id = 1;',
    );
    await setCell(1, 'update acct set v = 2 where id = 1;');
    await setCell(2, 'commit;');
    await page.getByTestId('session-picker').selectOption('main');
    await run(0);
    // the picker marks main as being in a transaction
    await page.getByTestId('session-picker').locator('option', { hasText: 'main · in transaction' }).waitFor({ state: 'attached' });
    await page.getByTestId('session-picker').selectOption('s2');
    await run(1, { until: 'started' });
    const wait = cell(1).getByTestId('lock-wait');
    await wait.waitFor({ timeout: 15_000 });
    const text = await wait.textContent();
    assert.match(text, /^waiting for a lock held by session main \(pid \d+\)$/);
    const pid = Number(/pid (\d+)/.exec(text)[1]);
    await shot('lock-wait');
    await page.getByTestId('session-picker').selectOption('main');
    await setCell(2, `select pg_backend_pid() as pid;\ncommit;`);
    await run(2);
    assert.equal(Number(await cell(2).locator('[data-row="0"] .rt-cell').nth(1).textContent()), pid, 'the pid shown is main’s backend');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=cell]')[1]?.dataset.status === 'done');
    assert.equal(await cell(1).getByTestId('lock-wait').count(), 0, 'the message goes once the lock is granted');
    assert.deepEqual(await cell(1).getByTestId('summary').allTextContents(), ['1 row affected']);
    await page
      .getByTestId('session-picker')
      .locator('option', { hasText: /^main$/ })
      .waitFor({ state: 'attached' });
  });
});
