// The frame around the panes: themes, resizable panes, shortcuts and their help, labels.
import assert from 'node:assert/strict';
import { open } from './helpers.mjs';

export default {
  async 'themes follow the OS and toggle'({ page, origin, shots }) {
    await page.emulateMedia({ colorScheme: 'dark' });
    await open(page, origin);
    const bg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const dark = await bg();
    await page.screenshot({ path: `${shots}/theme-dark.png` });
    await page.emulateMedia({ colorScheme: 'light' });
    const light = await bg();
    assert.notEqual(dark, light, 'auto follows the OS');
    await page.keyboard.press('Alt+T');
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
    assert.equal(await bg(), dark);
    await page.reload();
    await page.locator('[data-testid=rendered]').waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark', 'kept');
    await page.screenshot({ path: `${shots}/theme-toggled-dark.png` });
  },

  async 'panes resize by drag and by keyboard'({ page, origin }) {
    await open(page, origin);
    const width = (sel) => page.locator(sel).evaluate((e) => e.getBoundingClientRect().width);
    const before = await width('.file-tree');
    const box = await page.locator('.splitter').first().boundingBox();
    await page.mouse.move(box.x + 2, box.y + 100);
    await page.mouse.down();
    await page.mouse.move(box.x + 102, box.y + 100, { steps: 5 });
    await page.mouse.up();
    assert.ok(Math.abs(await width('.file-tree') - (before + 100)) < 3);
    const editorBefore = await width('.editor');
    await page.locator('.splitter').nth(1).focus();
    await page.keyboard.press('ArrowRight');
    assert.ok(await width('.editor') > editorBefore);
  },

  async 'the help dialog lists the shortcuts; Escape closes it'({ page, origin, shots }) {
    await open(page, origin);
    await page.keyboard.press('F1');
    const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await dialog.waitFor();
    assert.ok(await dialog.locator('tr').count() >= 10);
    await page.screenshot({ path: `${shots}/help.png` });
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await page.keyboard.press('Alt+2');
    assert.equal(await page.evaluate(() => document.activeElement.tagName), 'TEXTAREA');
  },

  async 'every control has an accessible name'({ page, origin }) {
    await open(page, origin);
    const unnamed = await page.evaluate(() => [...document.querySelectorAll('button, input, select, textarea, [role=separator]')]
      .filter((e) => !e.hidden && e.type !== 'file')
      .filter((e) => !(e.getAttribute('aria-label') || e.textContent.trim() || e.labels?.length || e.title))
      .map((e) => e.outerHTML.slice(0, 80)));
    assert.deepEqual(unnamed, []);
    // Tab order: the first tab stops are the top bar, then the files, the editor, the output.
    const order = [];
    for (let i = 0; i < 60; i++) {
      // In the editor Tab indents; Escape first hands it back to the page.
      if (await page.evaluate(() => document.activeElement.tagName === 'TEXTAREA')) await page.keyboard.press('Escape');
      await page.keyboard.press('Tab');
      order.push(await page.evaluate(() => document.activeElement.closest('header, nav.file-tree, .editor, .output, .problems')?.className ?? ''));
    }
    const first = (cls) => order.findIndex((c) => c.includes(cls));
    assert.ok(first('topbar') < first('file-tree') && first('file-tree') < first('editor') && first('editor') < first('output'), order.join(','));
  },
};
