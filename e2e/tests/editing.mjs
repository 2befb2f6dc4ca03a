// The editor: highlighting, errors located in the gutter and inline, undo/redo, find, Tab,
// trailing whitespace; and the render follows every keystroke, across files.
import assert from 'node:assert/strict';
import { open, openExample, openFile, editor, rendered, waitRendered, cursorLine, lineOf, settled } from './helpers.mjs';

export default {
  async 'YAML and Go templates are highlighted'({ page, origin }) {
    await open(page, origin);
    assert.ok(await page.locator('.hl .k').count() > 5, 'keys');
    assert.ok(await page.locator('.hl .c').count() >= 2, 'comments');
    await openExample(page, 'helm-chart');
    await openFile(page, '/mychart/templates/deployment.yaml');
    assert.ok(await page.locator('.hl .t').count() > 5, 'template actions');
    assert.ok(await page.locator('.hl .tk').count() > 3, 'template keywords');
  },

  async 'a kustomize error is located in the right file and clears'({ page, origin, shots }) {
    await open(page, origin);
    await openExample(page, 'kustomize-image');
    await openFile(page, '/kustomize/pod.yaml');
    const pod = await editor(page).inputValue();
    await editor(page).click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('  bad: [\n');
    await settled(page);
    const problem = page.locator('.problems .problem').first();
    await problem.waitFor();
    assert.match(await problem.textContent(), /\/kustomize\/pod\.yaml:\d+:\d+/);
    assert.ok(await page.locator('.gutter .ln.err').count() >= 1, 'gutter marker');
    assert.ok(await page.locator('.hl .lens').count() >= 1, 'inline message');
    assert.equal(await page.locator('.output.stale').count(), 1, 'stale');
    assert.match(await rendered(page).textContent(), /new-nginx:1\.23\.1/, 'last good output kept');
    await page.screenshot({ path: `${shots}/error-stale.png` });
    // A reference to a missing file, from another file: the click opens the kustomization.
    await editor(page).fill(pod);
    await settled(page);
    await page.waitForFunction(() => !document.querySelector('.output.stale'));
    await openFile(page, '/kustomize/kustomization.yaml');
    const original = await editor(page).inputValue();
    await editor(page).click();
    await page.keyboard.press('Control+Home');
    await page.keyboard.press('End');
    await page.keyboard.type('\n  - missing.yaml');
    await settled(page);
    await problem.waitFor();
    await openFile(page, '/kustomize/pod.yaml');
    await problem.click();
    assert.equal(await page.locator('.editor .path').textContent(), 'kustomize/kustomization.yaml');
    assert.equal(await cursorLine(page), lineOf(await editor(page).inputValue(), 'missing.yaml'));
    // (Undo history is per visit of a file: the switch back and forth reset it.)
    await editor(page).fill(original);
    await settled(page);
    await page.waitForFunction(() => !document.querySelector('.output.stale'));
    assert.equal(await page.locator('.problems .problem').count(), 0);
  },

  async 'a chart follows edits of its helpers, through a parse error and back'({ page, origin }) {
    // The worker keeps each template's parse between renders: every edit must still show.
    await open(page, origin);
    await openExample(page, 'helm-chart');
    await waitRendered(page, 'name: release-name-mychart');
    await openFile(page, '/mychart/templates/_helpers.tpl');
    const helpers = await editor(page).inputValue();
    const renamed = helpers.replaceAll('default .Chart.Name', 'default "renamed"');
    assert.notEqual(renamed, helpers);
    await editor(page).fill(renamed);
    await waitRendered(page, 'name: release-name-renamed');
    await editor(page).fill(`${renamed}\n{{ define "broken" }}{{ if }}`);
    await settled(page);
    const problem = page.locator('.problems .problem').first();
    await problem.waitFor();
    assert.match(await problem.textContent(), /_helpers\.tpl/);
    assert.equal(await page.locator('.output.stale').count(), 1, 'stale');
    await editor(page).fill(helpers);
    await settled(page);
    await page.waitForFunction(() => !document.querySelector('.output.stale'));
    await waitRendered(page, 'name: release-name-mychart');
    assert.doesNotMatch(await rendered(page).textContent(), /renamed/);
  },

  async 'undo and redo'({ page, origin }) {
    await open(page, origin);
    const before = await editor(page).inputValue();
    await editor(page).click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('# added');
    await page.keyboard.press('Tab');
    await waitRendered(page, 'name: liveness-http');
    assert.ok((await editor(page).inputValue()).endsWith('# added  '), 'Tab inserts two spaces');
    // Typing may take several undo steps; Tab's spaces are one of them.
    for (let i = 0; i < 12 && (await editor(page).inputValue()) !== before; i++) {
      await page.keyboard.press('Control+Z');
    }
    assert.equal(await editor(page).inputValue(), before);
    await waitRendered(page, 'periodSeconds: 3');
    await page.keyboard.press('Control+Shift+Z');
    assert.notEqual(await editor(page).inputValue(), before, 'redo brings the edit back');
  },

  async 'find highlights matches and moves the selection'({ page, origin, shots }) {
    await open(page, origin);
    await editor(page).click();
    await page.keyboard.press('Control+F');
    await page.getByLabel('Find in file').fill('liveness');
    await page.waitForFunction(() => document.querySelectorAll('.marks mark').length >= 3);
    assert.match(await page.locator('.find-bar .count').textContent(), /1 of \d+/);
    await page.keyboard.press('Enter');
    assert.match(await page.locator('.find-bar .count').textContent(), /2 of \d+/);
    const sel = await editor(page).evaluate((t) => t.value.slice(t.selectionStart, t.selectionEnd));
    assert.equal(sel.toLowerCase(), 'liveness');
    await page.screenshot({ path: `${shots}/find.png` });
    await page.keyboard.press('Escape');
    assert.equal(await page.locator('.find-bar').count(), 0);
  },

  async 'trailing whitespace shows on request'({ page, origin }) {
    await open(page, origin);
    await editor(page).click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('# x   ');
    assert.equal(await page.locator('.hl .ws').count(), 0);
    await page.keyboard.press('Alt+W');
    await page.locator('.hl .ws').first().waitFor();
    assert.equal(await page.locator('.hl .ws').first().textContent(), '···');
  },

  async 'schema warnings are listed apart from errors'({ page, origin }) {
    await open(page, origin);
    await editor(page).click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('\n  hostNetwork: "yes"\n  restartPolicyy: Never');
    await page.locator('.problems .problem.warning').first().waitFor();
    const text = await page.locator('.problems').textContent();
    assert.match(text, /spec\.hostNetwork: expected a boolean, found a string/);
    assert.match(text, /spec\.restartPolicyy: unknown field/);
    assert.equal(await page.locator('.problems .sev.error').count(), 0, 'warnings are not errors');
    // A click on a warning opens its source line.
    await page.locator('.problems .problem.warning', { hasText: 'restartPolicyy' }).click();
    const src = await editor(page).inputValue();
    assert.equal(await cursorLine(page), lineOf(src, 'restartPolicyy'));
  },
};
