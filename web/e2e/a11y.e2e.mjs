// Accessibility and layout: an axe-core pass (no serious or critical violations) and screenshots at
// 1400 and 800 px, light and dark, each checked for layout facts (no sideways overflow, nothing
// clipped), not compared pixel by pixel. The screenshots land in test-output/ (ignored by git).
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { launchChromium, outputDir, startStack } from './harness.mjs';
import { notebookPage } from './page-helpers.mjs';

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const T = { timeout: 90_000 };
let stack;
let browser;

/** A fresh page at this size and colour scheme, with the default notebook run (results, NULLs, the tree). */
async function openNotebook({ width, scheme }) {
  const context = await browser.newContext({ viewport: { width, height: 900 }, colorScheme: scheme });
  const page = await context.newPage();
  await page.goto(stack.baseUrl);
  await page
    .getByTestId('sandbox-state')
    .getByText(/in-page Postgres ready/)
    .waitFor({ timeout: 30_000 });
  const nb = notebookPage(page);
  await nb.setCell(0, "select 1 as one, null::text as nothing, 'x' as label;");
  await nb.run(0);
  await nb.run(1);
  return { context, page, nb };
}

/** Serious and critical axe violations, one line each. */
async function axeViolations(page) {
  await page.addScriptTag({ path: axePath });
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

/** What must hold at any size: no sideways scrolling, the status bar on one line, no control clipped. */
function layoutFacts(page) {
  return page.evaluate(() => {
    const clipped = (el) => el.scrollWidth > el.clientWidth + 1 || el.getBoundingClientRect().right > window.innerWidth + 0.5;
    const bar = document.querySelector('[data-testid=statusbar]');
    return {
      pageOverflow: document.documentElement.scrollWidth - window.innerWidth,
      statusBarLines: Math.round(bar.getBoundingClientRect().height / (parseFloat(getComputedStyle(bar).fontSize) * 2)),
      clipped: [...document.querySelectorAll('.topbar button, .mode-toggle button, .cell-bar button')]
        .filter(clipped)
        .map((b) => b.textContent),
      toggle: [...document.querySelectorAll('.mode-toggle button')].map((b) => b.textContent),
      sidebar: Math.round(document.querySelector('[data-testid=schema-tree]')?.getBoundingClientRect().width ?? 0),
      // the theme is dark and so is the page's background (:root holds it)
      dark: (() => {
        const [r, g, b] = getComputedStyle(document.documentElement).backgroundColor.match(/\d+/g).map(Number);
        return document.documentElement.dataset.theme === 'dark' && r + g + b < 3 * 128;
      })(),
    };
  });
}

describe('accessibility and layout', () => {
  before(
    async () => {
      stack = await startStack();
      browser = await launchChromium({ classicScrollbars: true });
    },
    { timeout: 240_000 },
  );

  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  test('axe: no serious or critical violations, with results shown and with the sign-in form open', T, async () => {
    const { context, page } = await openNotebook({ width: 1400, scheme: 'light' });
    assert.deepEqual(await axeViolations(page), []);
    await page.getByTestId('sign-in').click();
    await page.getByTestId('login-form').waitFor();
    assert.deepEqual(await axeViolations(page), []);
    await context.close();
  });

  for (const width of [1400, 800]) {
    for (const scheme of ['light', 'dark']) {
      test(`screenshot at ${width} px, ${scheme}: nothing overflows or is clipped`, T, async () => {
        const { context, page } = await openNotebook({ width, scheme });
        await page.screenshot({ path: join(outputDir, `layout-${width}-${scheme}.png`) });
        const facts = await layoutFacts(page);
        assert.ok(facts.pageOverflow <= 0, `the page scrolls sideways by ${facts.pageOverflow}px`);
        assert.equal(facts.statusBarLines, 1, 'the status bar is one line');
        assert.deepEqual(facts.clipped, [], 'no button is clipped');
        assert.deepEqual(facts.toggle, ['PGlite', 'Real Postgres']);
        if (width === 800) assert.ok(facts.sidebar <= 220, `the sidebar narrows at 800 px (${facts.sidebar}px)`);
        // A dark system gets the dark theme (hooks/use-theme.ts), and its colours pass axe too.
        assert.equal(facts.dark, scheme === 'dark', `the page is ${scheme}`);
        if (scheme === 'dark') assert.deepEqual(await axeViolations(page), []);
        console.log(`layout ${width}px ${scheme}: ${JSON.stringify(facts)}`);
        await context.close();
      });
    }
  }
});
