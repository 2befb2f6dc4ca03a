// Field provenance: a click on a rendered line opens the file and line that produced it.
import assert from 'node:assert/strict';
import { open, openExample, editor, rendered, cursorLine, lineOf, waitRendered } from './helpers.mjs';

async function clickRendered(page, needle) {
  await rendered(page).locator('.ol', { hasText: needle }).first().click();
}

export default {
  async 'kustomize: the image comes from the kustomization, the limits from pod.yaml'({ page, origin, shots }) {
    await open(page, origin);
    await openExample(page, 'kustomize-image');
    await clickRendered(page, 'image: new-nginx:1.23.1');
    await page.waitForFunction(() => document.querySelector('.editor .path').textContent === 'kustomize/kustomization.yaml');
    assert.equal(await cursorLine(page), lineOf(await editor(page).inputValue(), 'newName: new-nginx'));
    assert.match(await page.locator('[data-testid=provenance]').textContent(), /kustomization.*kustomize\/kustomization\.yaml:\d+/);
    await page.screenshot({ path: `${shots}/provenance-kustomize.png` });
    await clickRendered(page, 'memory: 64Mi');
    await page.waitForFunction(() => document.querySelector('.editor .path').textContent === 'kustomize/pod.yaml');
    assert.equal(await cursorLine(page), lineOf(await editor(page).inputValue(), 'memory: 64Mi'));
  },

  async 'overlays: replicas come from the overlay patch, hover lists the base too'({ page, origin }) {
    await open(page, origin);
    await openExample(page, 'overlays');
    await page.locator('select.target').selectOption('/overlays/prd');
    await waitRendered(page, 'name: prd-web');
    await rendered(page).locator('.ol', { hasText: 'replicas: 4' }).hover();
    const bar = await page.locator('[data-testid=provenance]').textContent();
    assert.match(bar, /overlays\/prd\/replicas\.yaml:\d+/);
    assert.match(bar, /base\/deployment\.yaml:\d+/);
    await clickRendered(page, 'replicas: 4');
    await page.waitForFunction(() => document.querySelector('.editor .path').textContent === 'overlays/prd/replicas.yaml');
    assert.equal(await cursorLine(page), lineOf(await editor(page).inputValue(), 'replicas: 4'));
  },

  async 'helm: a field leads to its values entry and its template line'({ page, origin, shots }) {
    await open(page, origin);
    await openExample(page, 'helm-chart');
    await rendered(page).locator('.ol', { hasText: 'replicas: 1' }).hover();
    const bar = await page.locator('[data-testid=provenance]').textContent();
    assert.match(bar, /values.*mychart\/values\.yaml:\d+/);
    assert.match(bar, /template.*mychart\/templates\/deployment\.yaml:\d+/);
    await page.screenshot({ path: `${shots}/provenance-helm.png` });
    await clickRendered(page, 'replicas: 1');
    await page.waitForFunction(() => document.querySelector('.editor .path').textContent === 'mychart/values.yaml');
    assert.equal(await cursorLine(page), lineOf(await editor(page).inputValue(), 'replicaCount: 1'));
    // The template line is one click away.
    await page.locator('[data-testid=provenance] .origin', { hasText: 'deployment.yaml' }).click();
    await page.waitForFunction(() => document.querySelector('.editor .path').textContent === 'mychart/templates/deployment.yaml');
    assert.equal(await cursorLine(page), lineOf(await editor(page).inputValue(), 'replicas:'));
  },
};
