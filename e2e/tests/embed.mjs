// Embed mode: compact layout, chosen panes, read-only; the snippet; the demo page.
import assert from 'node:assert/strict';
import { open, rendered, waitRendered } from './helpers.mjs';

export default {
  async 'embed mode shows the chosen panes, read-only'({ page, origin, shots }) {
    await open(page, origin, '/?embed&panes=editor,output&readonly#example=kustomize-image');
    await waitRendered(page, 'new-nginx:1.23.1');
    assert.equal(await page.locator('.file-tree').count(), 0, 'no file tree');
    assert.equal(await page.locator('.topbar.compact').count(), 1);
    assert.equal(await page.locator('.editor textarea[readonly]').count(), 1);
    assert.match(await page.locator('.open-full').getAttribute('href'), /#w=/);
    await page.setViewportSize({ width: 900, height: 420 });
    await page.screenshot({ path: `${shots}/embed.png` });
  },

  async 'an editable embed does not touch the autosave'({ page, origin }) {
    await open(page, origin, '/?embed&panes=editor,output#example=crashloop');
    await page.locator('.editor textarea').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('# reader edit');
    await page.waitForTimeout(100);
    assert.equal(await page.evaluate(() => localStorage.getItem('kubeplay.workspace.v1')), null);
  },

  async 'the embed button produces an iframe snippet'({ page, origin }) {
    await open(page, origin);
    await page.getByRole('button', { name: 'Embed' }).click();
    await page.getByLabel('Read-only').check();
    const snippet = await page.getByTestId('embed-snippet').inputValue();
    assert.match(snippet, /^<iframe src="http:\/\/127\.0\.0\.1:\d+\/\?embed&panes=editor,output&readonly#w=[A-Za-z0-9_-]+"/);
  },

  async 'the example page embeds two demos'({ page, origin, shots }) {
    await page.goto(`${origin}/embed.html`);
    const frames = page.locator('iframe');
    assert.equal(await frames.count(), 2);
    const first = page.frameLocator('iframe').nth(0);
    const second = page.frameLocator('iframe').nth(1);
    await first.locator('[data-testid=rendered]', { hasText: 'new-nginx:1.23.1' }).waitFor();
    await second.locator('[data-testid=rendered]', { hasText: '# Source: mychart/templates/service.yaml' }).waitFor();
    assert.equal(await second.locator('.editor textarea[readonly]').count(), 1);
    await page.screenshot({ path: `${shots}/embed-page.png`, fullPage: true });
  },
};
