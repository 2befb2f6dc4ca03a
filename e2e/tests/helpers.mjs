// Shared steps of the end-to-end suites.
import assert from 'node:assert/strict';

export const rendered = (page) => page.locator('[data-testid=rendered]');
export const editor = (page) => page.locator('.editor textarea');

export async function open(page, origin, path = '/') {
  await page.goto(`${origin}${path}`);
  await rendered(page).waitFor();
}

/// Opens an example from the gallery, accepting the "replace your workspace?" question.
export async function openExample(page, id) {
  const accept = (d) => d.accept();
  page.on('dialog', accept);
  try {
    await page.getByRole('button', { name: 'Examples' }).click();
    await page.locator(`[data-example="${id}"]`).click();
    await page.locator('.dialog').waitFor({ state: 'detached' });
  } finally {
    page.off('dialog', accept);
  }
}

export async function openFile(page, path) {
  await page.locator(`.file-tree [data-path="${path}"]`).click();
  await page.waitForFunction((p) => document.querySelector('.editor .path')?.textContent === p.slice(1), path);
}

export async function replaceText(page, text) {
  await editor(page).click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await editor(page).pressSequentially(text, { delay: 0 });
}

/// Waits until the output shows the newest input (no render on its way from the worker).
export async function settled(page) {
  await page.waitForFunction(() => document.querySelector('.pane.output')?.getAttribute('aria-busy') === 'false');
}

export async function waitRendered(page, needle) {
  await page.waitForFunction(
    (n) => document.querySelector('[data-testid=rendered]')?.textContent.includes(n),
    needle,
  );
}

/// The editor's cursor line (1-based).
export async function cursorLine(page) {
  return editor(page).evaluate((t) => t.value.slice(0, t.selectionStart).split('\n').length);
}

export function lineOf(text, needle) {
  const i = text.split('\n').findIndex((l) => l.includes(needle));
  assert.ok(i >= 0, `${needle} not in text`);
  return i + 1;
}

