// Helm in the live view (issue 4): helm install of the workspace's chart into the cluster
// Argo CD deploys to, the release in helm list with its resources turning Healthy as the
// clock runs, Helm's refusal to take over Argo CD's objects, and helm uninstall.
import assert from 'node:assert/strict';
import { openLive, waitText, speed } from './live.mjs';

const panel = (page) => page.locator('.helm-panel');

async function install(page, name, namespace = 'default') {
  await panel(page).getByLabel('Release name', { exact: true }).fill(name);
  await panel(page).getByLabel('Namespace', { exact: true }).fill(namespace);
  await panel(page).getByRole('button', { name: 'Install' }).click();
}

export default {
  async 'helm: install the chart from the live view, watch it run, list and uninstall it'({ page, origin, shots }) {
    await openLive(page, origin, 'helm-chart');
    await speed(page, '10x');
    await page.getByRole('button', { name: '⎈ Helm' }).click();
    await panel(page).waitFor();
    assert.equal(await panel(page).getByLabel('Chart', { exact: true }).inputValue(), '/mychart');

    // The implicit app deployed the chart as Argo CD does, release name = app name: Helm
    // will not adopt those objects.
    await install(page, 'mychart');
    await waitText(page, panel(page).locator('.live-error'), 'rendered manifests contain a resource that already exists');

    await install(page, 'demo');
    const out = page.locator('[data-testid=helm-output]');
    await waitText(page, out, 'STATUS: deployed');
    assert.equal(await panel(page).locator('.live-error').count(), 0, 'the refusal is answered');
    assert.match(await out.textContent(), /NAME: demo\nLAST DEPLOYED: .*\nNAMESPACE: default\nSTATUS: deployed\nREVISION: 1\n/);
    const release = page.locator('.helm-release[data-release=demo]');
    await release.waitFor();
    const pod = release.locator('li[data-kind=Pod]');
    await pod.waitFor();
    await page.waitForFunction(() =>
      document.querySelector('.helm-release[data-release=demo] li[data-kind=Pod] .st')?.getAttribute('title') === 'Healthy',
      null, { timeout: 20_000 });
    assert.match(await page.locator('[data-testid=helm-list]').textContent(), /^demo\s*\tdefault\s*\t1\s*\t.*\tdeployed\s*\tmychart-0\.1\.0/m);
    await page.screenshot({ path: `${shots}/live-helm.png` });

    await release.getByRole('button', { name: 'Uninstall demo' }).click();
    await waitText(page, out, 'release "demo" uninstalled');
    await page.locator('.helm-panel .empty-note', { hasText: 'No releases.' }).waitFor();
  },
};
