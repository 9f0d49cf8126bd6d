// The twelve bugs of issue 13, each as a user meets it, in Debian's Chromium against the real controller.
// Classic (space-taking) scrollbars on purpose: headless Chromium hides them unless told not to (bug 5).
// Over 300 lines because it is one test per bug in one file, so the list reads as one run.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { launchChromium, outputDir, startStack } from './harness.mjs';
import { notebookPage } from './page-helpers.mjs';

const T = { timeout: 60_000 };
let stack;
let browser;
let context;
let page;
let nb;
const consoleErrors = [];

const shot = (name) => page.screenshot({ path: join(outputDir, `bugs-${name}.png`) });
const cell = (i) => nb.cell(i);

/** The WCAG contrast ratio of an element's text against the first opaque background behind it. */
function contrastOf(locator) {
  return locator.evaluate((el) => {
    const rgb = (s) => s.match(/[\d.]+/g).map(Number);
    const lum = ([r, g, b]) => {
      const f = (c) => ((c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    let bg = [255, 255, 255];
    for (let n = el; n; n = n.parentElement) {
      const c = rgb(getComputedStyle(n).backgroundColor);
      if (c.length === 3 || c[3] === 1) {
        bg = c.slice(0, 3);
        break;
      }
    }
    const [a, b] = [lum(rgb(getComputedStyle(el).color)), lum(bg)].sort((x, y) => y - x);
    return (a + 0.05) / (b + 0.05);
  });
}

async function openPage() {
  await page.goto(stack.baseUrl);
  await page.getByTestId('sign-in').or(page.getByTestId('sign-out')).first().waitFor();
  await page
    .getByTestId('sandbox-state')
    .getByText(/in-page Postgres ready/)
    .waitFor({ timeout: 30_000 });
}

describe('issue 13: the bugs a new user met', () => {
  before(
    async () => {
      stack = await startStack();
      browser = await launchChromium({ classicScrollbars: true });
      context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
      page = await context.newPage();
      nb = notebookPage(page);
      page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
      page.on('pageerror', (e) => console.error('page error:', e.message));
    },
    { timeout: 240_000 },
  );

  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  test('7: the login form has a valid pattern and refuses "ux bad id!"', T, async () => {
    await openPage();
    await page.getByTestId('sign-in').click();
    await page.getByTestId('login-user').fill('ux bad id!');
    await page.getByTestId('login-submit').click();
    assert.equal(await page.getByTestId('login-user').evaluate((el) => el.validity.patternMismatch), true, 'the id breaks the pattern');
    assert.equal(await page.getByTestId('sign-out').count(), 0, 'nobody signed in');
    assert.deepEqual(
      consoleErrors.filter((e) => /pattern/i.test(e)),
      [],
      'Chrome compiled the pattern (with the v flag) without complaint',
    );
    await page.getByTestId('login-user').fill('ux-good.id@example');
    assert.equal(await page.getByTestId('login-user').evaluate((el) => el.validity.valid), true);
    await page.getByRole('button', { name: 'Cancel' }).click();
  });

  test('11: each cell says which Postgres ran it (PGlite runs 18)', T, async () => {
    await nb.setCell(0, 'select 1 as one;');
    await nb.run(0);
    assert.match(await cell(0).getByTestId('run-status').textContent(), /PGlite/);
    assert.match(await cell(0).getByTestId('pg-version').textContent(), /PostgreSQL 18\.\d+/);
  });

  test('1: PGlite COPY FROM STDIN is refused with the reason; COPY TO STDOUT shows its rows', T, async () => {
    await nb.setCell(0, "create table cp (a int, b text);\ninsert into cp values (1, 'x'), (2, 'y');\ncopy cp to stdout;");
    await nb.run(0);
    assert.equal(await nb.value(0, 0, 1), '1\tx');
    assert.equal(await nb.value(0, 1, 1), '2\ty');
    await nb.setCell(1, 'copy cp from stdin;');
    await nb.run(1, { timeout: 15_000 });
    const err = await cell(1).getByTestId('sql-error').textContent();
    assert.match(err, /COPY FROM STDIN is not supported in PGlite/);
    assert.match(err, /INSERT … VALUES/);
    // the database still answers
    await nb.setCell(1, 'select count(*)::int as n from cp;');
    await nb.run(1, { timeout: 15_000 });
    assert.equal(await nb.value(1, 0, 1), '2');
  });

  test('4: PGlite loads the contrib extensions it ships; PostGIS points to Real Postgres', { timeout: 90_000 }, async () => {
    await nb.setCell(
      0,
      "create extension hstore;\ncreate extension pg_trgm;\ncreate extension citext;\nselect ('a=>1'::hstore) -> 'a' as h, similarity('word', 'words') > 0.5 as trgm, 'ABC'::citext = 'abc' as ci;",
    );
    await nb.run(0);
    assert.deepEqual(await nb.summaries(0), ['✓ CREATE EXTENSION', '✓ CREATE EXTENSION', '✓ CREATE EXTENSION', '1 row']);
    assert.equal(await nb.value(0, 0, 1), '1');
    assert.equal(await nb.value(0, 0, 2), 'true');
    assert.equal(await nb.value(0, 0, 3), 'true');
    await nb.setCell(1, 'create extension postgis;');
    await nb.run(1);
    assert.match(await cell(1).getByTestId('sql-error').textContent(), /PostGIS needs Real Postgres/);
    await cell(1).getByTestId('needs-real').getByRole('button', { name: 'Switch to Real Postgres' }).waitFor();
    await shot('postgis-in-pglite');
  });

  test('3: PGlite data and loaded extensions survive a reload; Reset empties what is saved', { timeout: 90_000 }, async () => {
    await nb.setCell(
      0,
      "create extension if not exists hstore;\ncreate table keep (id int primary key, note text);\ninsert into keep values (1, 'still here');",
    );
    await nb.run(0);
    await openPage();
    await nb.setCell(0, "select note, ('k=>v'::hstore) -> 'k' as h from keep;");
    await nb.run(0);
    assert.equal(await nb.value(0, 0, 1), 'still here');
    assert.equal(await nb.value(0, 0, 2), 'v');
    await page.getByTestId('table-public.keep').waitFor();
    await page.getByRole('button', { name: 'Reset database' }).click();
    await page.getByRole('button', { name: 'Yes, reset' }).click();
    await page.getByTestId('tree-empty').waitFor();
    await openPage();
    await nb.setCell(0, 'select * from keep;');
    await nb.run(0);
    assert.match(await cell(0).getByTestId('sql-error').textContent(), /42P01/);
  });

  test('8: the schema tree never errors inside an aborted PGlite transaction', T, async () => {
    await nb.setCell(0, 'begin;\ncreate table in_tx (a int);\nselect 1/0;');
    await nb.run(0);
    assert.match(await cell(0).getByTestId('sql-error').textContent(), /22012/);
    await page.getByRole('button', { name: 'Refresh schema' }).click();
    await page.getByTestId('tree-stale').waitFor();
    assert.equal(await page.locator('.tree-error').count(), 0, 'no "current transaction is aborted" in the tree');
    await nb.setCell(0, 'rollback;');
    await nb.run(0);
    await page.getByTestId('tree-stale').waitFor({ state: 'detached' });
    assert.equal(await page.locator('.tree-error').count(), 0);
    assert.equal(await page.getByTestId('table-public.in_tx').count(), 0);
  });

  test('2: PGlite Cancel asks first, says what it costs, and keeps committed data', T, async () => {
    await nb.setCell(0, 'create table survivor (a int);\ninsert into survivor values (42);');
    await nb.run(0);
    await nb.setCell(1, 'do $$ begin loop end loop; end $$;');
    await nb.run(1, { until: 'started' });
    await cell(1).getByTestId('cancel').click();
    const ask = cell(1).getByTestId('cancel-confirm');
    await ask.waitFor();
    assert.match(await ask.textContent(), /restarts the in-page database/);
    assert.match(await ask.textContent(), /Committed data is kept/);
    await shot('pglite-cancel-question');
    await ask.getByRole('button', { name: 'Keep running' }).click();
    assert.equal(await cell(1).getAttribute('data-status'), 'running', 'nothing was cancelled yet');
    await cell(1).getByTestId('cancel').click();
    await ask.getByRole('button', { name: 'Restart PGlite' }).click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=cell]')[1]?.dataset.status === 'done');
    assert.match(await cell(1).getByTestId('failure').textContent(), /Committed data was kept/);
    await page
      .getByTestId('sandbox-state')
      .getByText(/in-page Postgres ready/)
      .waitFor({ timeout: 30_000 });
    await nb.setCell(1, 'select a from survivor;');
    await nb.run(1);
    assert.equal(await nb.value(1, 0, 1), '42');
  });

  test('5: a 30-column, 1-row result is not hidden under the horizontal scrollbar', T, async () => {
    const cols = Array.from({ length: 30 }, (_, k) => `${k + 1} as column_${k + 1}`).join(', ');
    await nb.setCell(0, `select ${cols};`);
    await nb.run(0);
    const grid = cell(0).getByTestId('result-table');
    const m = await grid.evaluate((el) => ({
      scrollbar: el.offsetHeight - el.clientHeight - 2,
      wide: el.scrollWidth > el.clientWidth,
      hidden: el.scrollHeight - el.clientHeight,
    }));
    assert.ok(m.wide, 'the grid scrolls sideways');
    assert.ok(m.scrollbar > 0, `the scrollbar takes room (classic scrollbars): ${JSON.stringify(m)}`);
    assert.equal(m.hidden, 0, `no part of the row is under the scrollbar: ${JSON.stringify(m)}`);
    await shot('wide-result');
  });

  test('12: NULL, row numbers and the Run button meet WCAG AA contrast (4.5:1)', T, async () => {
    await nb.setCell(0, 'select null::text as nothing;');
    await nb.run(0);
    const grid = cell(0).getByTestId('result-table');
    for (const [what, loc] of [
      ['NULL', grid.locator('.kind-null').first()],
      ['row number', grid.locator('[data-row="0"] .rt-index')],
      ['Run button', cell(0).getByTestId('run')],
    ]) {
      const ratio = await contrastOf(loc);
      assert.ok(ratio >= 4.5, `${what}: ${ratio.toFixed(2)}:1`);
    }
  });

  test('9: Tab indents in the editor; Esc then Tab leaves it, and the editor says so', T, async () => {
    await nb.setCell(0, 'select 1;');
    const group = cell(0).getByRole('group', { name: 'Cell 1 SQL' });
    const hint = await group.evaluate((el) => document.getElementById(el.getAttribute('aria-describedby'))?.textContent);
    assert.match(hint ?? '', /Press Escape, then Tab, to leave the editor/);
    await cell(0).locator('.cm-content').click();
    await page.keyboard.press('Tab');
    assert.ok(await page.evaluate(() => !!document.activeElement?.closest('.cm-editor')), 'Tab alone stays in the editor');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Tab');
    const where = await page.evaluate(() => ({
      inEditor: !!document.activeElement?.closest('.cm-editor'),
      tag: document.activeElement?.tagName,
      label: document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.textContent,
    }));
    assert.equal(where.inEditor, false, `focus left the editor (now on ${where.tag} ${where.label})`);
  });

  test('10: Run all stops at the first failing cell and says which', T, async () => {
    await nb.ensureCells(3);
    await nb.setCell(0, 'select 1;');
    await nb.setCell(1, 'select nope;');
    await nb.setCell(2, 'select 3;');
    const before = Number(await cell(2).getAttribute('data-seq'));
    await page.getByRole('button', { name: /Run all/ }).click();
    const msg = page.getByTestId('status-message');
    await msg.getByText(/Run all stopped at cell \[2\]/).waitFor();
    assert.match(await msg.textContent(), /1 cell below did not run/);
    assert.equal(Number(await cell(2).getAttribute('data-seq')), before, 'cell 3 did not run');
  });

  test('6: at 800 px the status bar stays one line, the toggle is whole, the sidebar narrows', T, async () => {
    await page.setViewportSize({ width: 800, height: 700 });
    // a long message: Real Postgres while signed out
    if (await page.getByTestId('sign-out').count()) await page.getByTestId('sign-out').click();
    await page.getByTestId('mode-remote').click();
    await page.getByTestId('status-message').waitFor();
    const bar = await page.getByTestId('statusbar').evaluate((el) => {
      const line = parseFloat(getComputedStyle(el).fontSize) * 3;
      const r = el.getBoundingClientRect();
      const toggles = [...el.querySelectorAll('.mode-toggle button')].map((b) => ({
        text: b.textContent,
        whole: b.scrollWidth <= b.clientWidth && b.getBoundingClientRect().right <= r.right,
      }));
      return { height: r.height, line, toggles, overflow: document.documentElement.scrollWidth > window.innerWidth };
    });
    assert.ok(bar.height < bar.line, `one line: ${bar.height}px`);
    assert.deepEqual(
      bar.toggles.map((t) => [t.text, t.whole]),
      [
        ['PGlite', true],
        ['Real Postgres', true],
      ],
    );
    assert.equal(bar.overflow, false, 'no sideways scrolling of the page');
    const sidebar = await page.getByTestId('schema-tree').evaluate((el) => el.getBoundingClientRect().width);
    assert.ok(sidebar <= 220, `the sidebar narrowed to ${sidebar}px`);
    await shot('status-bar-800');
    await page.setViewportSize({ width: 1400, height: 900 });
  });

  test(
    'Real Postgres: the toggle claims the sandbox; cells say 17; the tree keeps out of the user session',
    { timeout: 120_000 },
    async () => {
      await nb.signIn(`bugs-pro-${process.pid}`, 'pro');
      await page.getByTestId('mode-remote').click();
      // claimed on the toggle, before any Run
      await page.locator('[data-testid=sandbox-state][data-state=ready]').waitFor({ timeout: 60_000 });
      await nb.setCell(0, 'begin;\ncreate table rtx (a int);\nselect 1/0;');
      await nb.run(0);
      assert.match(await cell(0).getByTestId('pg-version').textContent(), /PostgreSQL 17\.\d+/);
      assert.match(await cell(0).getByTestId('run-status').textContent(), /Real Postgres · main/);
      await page.getByRole('button', { name: 'Refresh schema' }).click();
      await page.getByTestId('tree-empty').waitFor();
      assert.equal(await page.locator('.tree-error').count(), 0, 'no "current transaction is aborted" in the tree');
      await nb.setCell(0, 'rollback;');
      await nb.run(0);
    },
  );

  test('10: a statement timeout names the limit; a 502 reads as a sentence, not HTML', T, async () => {
    await nb.setCell(1, "set statement_timeout = '200ms';\nselect pg_sleep(3);");
    await nb.run(1);
    const err = await cell(1).getByTestId('sql-error').textContent();
    assert.match(err, /57014/);
    assert.match(err, /statement_timeout.*\d+ s limit/);
    await page.route('**/api/sandbox/exec', (route) =>
      route.fulfill({
        status: 502,
        contentType: 'text/html',
        body: '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>',
      }),
    );
    await nb.setCell(2, 'select 1;');
    await nb.run(2);
    const failure = await cell(2).getByTestId('failure').textContent();
    assert.match(failure, /^502 Bad Gateway: the controller did not answer/);
    assert.doesNotMatch(failure, /</);
    await page.unroute('**/api/sandbox/exec');
    await shot('remote-502');
  });
});
