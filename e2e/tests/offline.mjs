// Offline: after one visit, the app loads with the network off (service worker).
import assert from 'node:assert/strict';
import { open, rendered, editor } from './helpers.mjs';

export default {
  async 'a second visit loads with the network blocked'({ page, context, origin }) {
    await open(page, origin);
    await page.waitForFunction(async () => {
      const reg = await navigator.serviceWorker.getRegistration();
      return !!reg?.active && !!navigator.serviceWorker.controller;
    }, null, { timeout: 15000 });
    await editor(page).click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('# offline');
    await context.setOffline(true);
    try {
      await page.reload();
      await rendered(page).waitFor({ timeout: 10000 });
      assert.match(await rendered(page).textContent(), /name: liveness-http/);
      assert.match(await editor(page).inputValue(), /# offline$/);
      // A request that does reach the network fails: the page really is offline.
      const online = await page.evaluate(() => fetch('/nonexistent-' + Date.now()).then(() => true, () => false));
      assert.equal(online, false);
    } finally {
      await context.setOffline(false);
    }
  },
};
