// The examples gallery: every example loads and renders, with the right engine.
import assert from 'node:assert/strict';
import { open, openExample, rendered, waitRendered } from './helpers.mjs';

const EXAMPLES = [
  ['liveness-http', 'plain manifests', 'name: liveness-http'],
  ['readiness-http', 'plain manifests', 'readinessProbe:'],
  ['startup-probe', 'plain manifests', 'startupProbe:'],
  ['kustomize-image', 'kustomize build', 'image: new-nginx:1.23.1'],
  ['overlays', 'kustomize build', 'name: dev-web'],
  ['helm-chart', 'helm template', '# Source: mychart/templates/deployment.yaml'],
  ['argocd-app', 'plain manifests', 'kind: Application'],
  ['crashloop', 'plain manifests', 'name: crashloop'],
];

export default {
  async 'the gallery lists every example with its context'({ page, origin, shots }) {
    await open(page, origin);
    await page.keyboard.press('Alt+E');
    const cards = page.locator('.gallery .card');
    assert.equal(await cards.count(), EXAMPLES.length);
    for (const [id] of EXAMPLES) {
      const blurb = await page.locator(`[data-example="${id}"] .card-blurb`).textContent();
      assert.ok(blurb.length > 40, `${id} has a sentence of context`);
    }
    await page.screenshot({ path: `${shots}/gallery.png` });
  },

  async 'every example loads and renders with its engine'({ page, origin, shots, offsite }) {
    await open(page, origin);
    for (const [id, engine, needle] of EXAMPLES) {
      await openExample(page, id);
      await waitRendered(page, needle);
      assert.equal(await page.locator('[data-testid=engine]').textContent(), engine, id);
      assert.equal(await page.locator('.problems .problem:not(.warning)').count(), 0, `${id} has no errors`);
      assert.equal(await page.locator('.output.stale').count(), 0);
      if (['kustomize-image', 'overlays', 'helm-chart', 'argocd-app'].includes(id)) {
        await page.screenshot({ path: `${shots}/example-${id}.png` });
      }
    }
    assert.deepEqual(offsite, [], 'no request left the origin');
  },

  async 'switching examples after an edit asks first; declining keeps the edit'({ page, origin }) {
    await open(page, origin);
    await openExample(page, 'crashloop');
    await page.locator('.editor textarea').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('# my note\n');
    let asked = '';
    page.once('dialog', (d) => { asked = d.message(); d.dismiss(); });
    await page.getByRole('button', { name: 'Reset' }).click();
    assert.match(asked, /Replace your workspace/);
    assert.match(await page.locator('.editor textarea').inputValue(), /# my note/);
  },

  async 'the helm view: values files, --set, release, namespace and the outline'({ page, origin, shots }) {
    await open(page, origin);
    await openExample(page, 'helm-chart');
    await waitRendered(page, 'name: release-name-mychart');
    const outline = await page.locator('.output .objects').textContent();
    assert.match(outline, /templates\/service\.yaml\s*Service/);
    assert.match(outline, /templates\/deployment\.yaml\s*Deployment/);
    await page.getByLabel('Release name').fill('shop');
    await page.getByLabel('Namespace').fill('prod');
    await page.locator('.values-files input[type=checkbox]').check();
    await page.getByLabel('--set overrides, one per line').fill('service.port=8080');
    await waitRendered(page, 'name: shop-mychart');
    const out = await rendered(page).textContent();
    assert.match(out, /replicas: 3/);
    assert.match(out, /port: 8080/);
    assert.match(out, /image: "nginx:1\.27\.3"/);
    assert.ok(await page.locator('details.notes').count() === 1, 'NOTES.txt shown');
    await page.screenshot({ path: `${shots}/helm-settings.png` });
  },
};
