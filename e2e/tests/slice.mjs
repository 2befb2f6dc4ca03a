// The first vertical slice: one manifest, edited and rendered live, errors located, autosaved.
import assert from 'node:assert/strict';
import { settled } from './helpers.mjs';

const rendered = (page) => page.locator('[data-testid=rendered]');
const editor = (page) => page.locator('.editor textarea');

async function open(page, origin) {
  await page.goto(`${origin}/`);
  await rendered(page).waitFor();
}

async function replaceText(page, text) {
  await editor(page).click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await editor(page).pressSequentially(text, { delay: 0 });
}

export default {
  async 'opens on the seed example, rendered'({ page, origin, shots }) {
    await open(page, origin);
    const out = await rendered(page).textContent();
    assert.match(out, /name: liveness-http/);
    // Keys come out sorted, as `kubectl kustomize` prints them.
    assert.match(out, /  - args:\n    - liveness\n/);
    assert.match(await page.locator('.output .engine').textContent(), /plain manifests/);
    await page.screenshot({ path: `${shots}/slice-open.png` });
  },

  async 'typing re-renders on each keystroke'({ page, origin }) {
    await open(page, origin);
    await replaceText(page, 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web');
    await page.waitForFunction(() =>
      document.querySelector('[data-testid=rendered]').textContent.includes('name: web'));
    assert.match(await page.locator('.output .objects').textContent(), /Service\s*web/);
  },

  async 'an error is located, the last output stays (stale), and the error clears'({ page, origin, shots }) {
    await open(page, origin);
    await replaceText(page, 'kind: ConfigMap\nmetadata:\n  name: ok\ndata:\n  a: [1, 2\n');
    await settled(page);
    await page.locator('.problems .problem').first().waitFor();
    const problem = await page.locator('.problems .problem').first().textContent();
    assert.match(problem, /\/probes\/liveness-http\.yaml:\d+:\d+/);
    assert.ok(await page.locator('.gutter .ln.err').count() >= 1, 'gutter marker');
    assert.ok(await page.locator('.output.stale').count() === 1, 'stale badge');
    // The last good render: the seed, or a ConfigMap from a prefix typed before the error
    // (on a slow machine renders of later keystrokes may be superseded before they finish).
    assert.match(await rendered(page).textContent(), /kind: ConfigMap|name: liveness-http/);
    await page.screenshot({ path: `${shots}/slice-error.png` });
    // Clicking the problem puts the cursor on its line.
    await page.locator('.problems .problem').first().click();
    const line = await editor(page).evaluate((t) => t.value.slice(0, t.selectionStart).split('\n').length);
    const wanted = Number(problem.match(/:(\d+):\d+/)[1]);
    assert.equal(line, wanted);
    await replaceText(page, 'kind: ConfigMap\nmetadata:\n  name: ok\ndata:\n  a: "[1, 2]"\n');
    await settled(page);
    assert.equal(await page.locator('.output.stale').count(), 0, 'no longer stale');
    // No errors; a schema warning (this ConfigMap has no apiVersion) is not one.
    assert.equal(await page.locator('.problems .problem:not(.warning)').count(), 0);
    assert.match(await rendered(page).textContent(), /a: '\[1, 2\]'/);
  },

  async 'edits survive a reload'({ page, origin }) {
    await open(page, origin);
    await replaceText(page, 'kind: Namespace\nmetadata:\n  name: kept');
    await page.waitForFunction(() =>
      document.querySelector('[data-testid=rendered]').textContent.includes('name: kept'));
    await page.reload();
    await rendered(page).waitFor();
    assert.match(await rendered(page).textContent(), /name: kept/);
    assert.match(await editor(page).inputValue(), /name: kept/);
  },
};
