// What the browser tests do to the notebook, as a user would: type into a cell, run it, read what it shows.
export function notebookPage(page) {
  const cell = (i) => page.getByTestId('cell').nth(i);

  async function setCell(i, sql) {
    await cell(i).locator('.cm-content').click();
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.insertText(sql);
    await page.keyboard.press('Escape'); // close a completion popup, if any
    await page.waitForFunction(
      ([i, sql]) => JSON.parse(localStorage.getItem('pgsbx.notebook.v1') ?? '{}').cells?.[i]?.sql === sql,
      [i, sql],
    );
  }

  /** Runs cell i (Run button or Ctrl/Cmd+Enter) and waits for the run to start, or to finish. */
  async function run(i, { keys = false, until = 'done', timeout = 45_000 } = {}) {
    const before = Number((await cell(i).getAttribute('data-seq')) ?? 0);
    if (keys) {
      await cell(i).locator('.cm-content').click();
      await page.keyboard.press('ControlOrMeta+Enter');
    } else await cell(i).getByTestId('run').click();
    await page.waitForFunction(
      ([i, before, until]) => {
        const c = document.querySelectorAll('[data-testid=cell]')[i];
        if (!c || Number(c.dataset.seq) <= before) return false;
        return until === 'done' ? c.dataset.status === 'done' : c.dataset.status === 'running' || c.dataset.status === 'done';
      },
      [i, before, until],
      { timeout },
    );
    return cell(i);
  }

  const summaries = (i) => cell(i).getByTestId('summary').allTextContents();

  async function ensureCells(n) {
    while ((await page.getByTestId('cell').count()) < n) await page.getByTestId('add-cell').click();
  }

  async function signIn(userId, role) {
    await page.getByTestId('sign-in').click();
    await page.getByTestId('login-user').fill(userId);
    await page.getByTestId('login-role').selectOption(role);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('account').getByText(userId).waitFor();
  }

  /** The text of row `row`, column `col` (1-based; 0 is the row number) of the cell's first result grid. */
  const value = (i, row, col) => cell(i).getByTestId('result-table').first().locator(`[data-row="${row}"] .rt-cell`).nth(col).textContent();

  return { cell, setCell, run, summaries, ensureCells, signIn, value };
}
