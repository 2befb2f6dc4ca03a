// Share links: the whole workspace and settings, in the fragment, restored exactly.
import assert from 'node:assert/strict';
import { open, openExample, editor, rendered, waitRendered } from './helpers.mjs';
import { isolatedPage } from '../browser.mjs';

const saved = (page) => page.evaluate(() => JSON.parse(localStorage.getItem('kubeplay.workspace.v1')));

export default {
  async 'a share link round-trips the exact workspace'({ page, context, origin, offsite, shots }) {
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
    await open(page, origin);
    await openExample(page, 'helm-chart');
    await page.getByLabel('Release name').fill('shared');
    await page.getByLabel('--set overrides, one per line').fill('replicaCount=5');
    await waitRendered(page, 'replicas: 5');
    await page.locator('.file-tree [data-path="/mychart/values.yaml"]').click();
    await editor(page).click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('# ünïcode ✓ and "quotes"\n');
    await page.keyboard.press('Alt+L');
    const link = await page.getByTestId('share-link').inputValue();
    assert.match(link, /#w=[A-Za-z0-9_-]+$/);
    await page.locator('.dialog .status', { hasText: /Copied|refused/ }).waitFor();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    assert.equal(copied, link, 'the button copied the link');
    await page.screenshot({ path: `${shots}/share.png` });
    const want = await saved(page);

    // A fresh browser profile (no autosave) opens the link.
    const other = await context.browser().newContext({ viewport: { width: 1400, height: 860 } });
    try {
      const page2 = await isolatedPage(other, origin, offsite);
      await page2.goto(link);
      await rendered(page2).waitFor();
      await waitRendered(page2, 'replicas: 5');
      assert.deepEqual(await saved(page2), want, 'same files, selection and settings');
      assert.equal(await page2.getByLabel('Release name').inputValue(), 'shared');
      assert.match(await editor(page2).inputValue(), /ünïcode ✓ and "quotes"/);
    } finally {
      await other.close();
    }
  },

  async 'the address bar keeps the current workspace (throttled)'({ page, origin }) {
    await open(page, origin);
    await editor(page).click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('# in the url');
    await page.waitForFunction(() => location.hash.startsWith('#w='));
    await page.waitForTimeout(400);
    const url = page.url();
    await page.evaluate(() => localStorage.clear());
    await page.goto('about:blank');
    await page.goto(url);
    await rendered(page).waitFor();
    assert.match(await editor(page).inputValue(), /# in the url$/);
  },
};
