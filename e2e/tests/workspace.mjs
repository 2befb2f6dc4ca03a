// The workspace: new, rename, delete for files and folders; uploads; download as .zip.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { open, openExample, editor, waitRendered } from './helpers.mjs';

const root = resolve(import.meta.dirname, '../..');
const answer = (page, ...replies) => {
  const queue = [...replies];
  const handler = (d) => {
    const r = queue.shift();
    if (queue.length === 0) page.off('dialog', handler);
    return r === false ? d.dismiss() : typeof r === 'string' ? d.accept(r) : d.accept();
  };
  page.on('dialog', handler);
};
const paths = (page) => page.locator('.file-tree [data-path]').evaluateAll((els) => els.map((e) => e.dataset.path));

export default {
  async 'new, rename and delete files and folders'({ page, origin, shots }) {
    await open(page, origin);
    answer(page, '/apps/web/kustomization.yaml');
    await page.getByRole('button', { name: 'New file', exact: true }).click();
    await page.waitForFunction(() => document.querySelector('.editor .path').textContent === 'apps/web/kustomization.yaml');
    await editor(page).fill('configMapGenerator:\n- name: app\n  literals:\n  - mode=dev\n');
    await waitRendered(page, 'mode: dev');
    assert.equal(await page.locator('[data-testid=engine]').textContent(), 'kustomize build');
    answer(page, '/apps/empty');
    await page.getByRole('button', { name: 'New folder' }).click();
    await page.locator('.file-tree .dir', { hasText: 'empty/' }).waitFor();
    answer(page, '/svc');
    await page.locator('.tree .dir', { hasText: 'apps/' }).hover();
    await page.getByRole('button', { name: 'Rename /apps', exact: true }).click();
    await page.waitForFunction(() => document.querySelector('.editor .path').textContent === 'svc/web/kustomization.yaml');
    assert.ok((await paths(page)).includes('/svc/web/kustomization.yaml'));
    await page.screenshot({ path: `${shots}/workspace-tree.png` });
    answer(page, true);
    await page.locator('.tree .dir', { hasText: 'web/' }).hover();
    await page.getByRole('button', { name: 'Delete /svc/web', exact: true }).click();
    await page.waitForFunction(() => !document.querySelector('[data-path="/svc/web/kustomization.yaml"]'));
    assert.deepEqual(await paths(page), ['/probes/liveness-http.yaml']);
    // A clash is refused with a reason.
    answer(page, '/probes/liveness-http.yaml');
    await page.getByRole('button', { name: 'New file', exact: true }).click();
    await page.locator('.toast', { hasText: 'already exists' }).waitFor();
  },

  async 'upload files, a folder and a .tgz chart'({ page, origin }) {
    await open(page, origin);
    const dir = mkdtempSync(join(tmpdir(), 'kubeplay-e2e-'));
    writeFileSync(join(dir, 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: uploaded\n');
    await page.locator('input[data-upload=files]').setInputFiles(join(dir, 'cm.yaml'));
    await page.locator('.file-tree [data-path="/cm.yaml"]').waitFor();
    await waitRendered(page, 'name: uploaded');
    // A chart archive, made with tar from the example chart.
    const chartDir = join(dir, 'chart');
    mkdirSync(chartDir);
    cpSync(join(root, 'web/examples/helm/mychart'), join(chartDir, 'mychart'), { recursive: true });
    execFileSync('tar', ['czf', join(dir, 'mychart-0.1.0.tgz'), '-C', chartDir, 'mychart']);
    await page.locator('input[data-upload=chart]').setInputFiles(join(dir, 'mychart-0.1.0.tgz'));
    await page.locator('.file-tree [data-path="/mychart/templates/deployment.yaml"]').waitFor();
    await waitRendered(page, '# Source: mychart/templates/deployment.yaml');
    // A folder keeps its relative paths.
    await page.locator('input[data-upload=folder]').setInputFiles(join(chartDir, 'mychart'));
    await page.locator('.file-tree [data-path="/mychart/values-prod.yaml"]').waitFor();
  },

  async 'download the workspace as a .zip'({ page, origin }) {
    await open(page, origin);
    await openExample(page, 'overlays');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download as zip' }).click(),
    ]);
    assert.equal(download.suggestedFilename(), 'kubeplay-workspace.zip');
    const file = join(mkdtempSync(join(tmpdir(), 'kubeplay-zip-')), 'w.zip');
    await download.saveAs(file);
    const names = execFileSync('python3', ['-c', 'import sys,zipfile;print("\\n".join(sorted(zipfile.ZipFile(sys.argv[1]).namelist())))', file]).toString().trim().split('\n');
    assert.deepEqual(names, [
      'base/deployment.yaml', 'base/kustomization.yaml', 'base/service.yaml',
      'overlays/dev/kustomization.yaml', 'overlays/dev/replicas.yaml',
      'overlays/prd/kustomization.yaml', 'overlays/prd/replicas.yaml',
      'overlays/stg/kustomization.yaml', 'overlays/stg/replicas.yaml',
    ]);
    assert.equal(readFileSync(file).subarray(0, 2).toString(), 'PK');
  },

  async 'commit, history, diff and restore through the in-browser Git repo'({ page, origin, shots }) {
    await open(page, origin);
    await openExample(page, 'kustomize-image');
    assert.match(await page.locator('.history .changes').textContent(), /2 changed files/);
    await page.getByLabel('Commit message').fill('seed example');
    await page.getByRole('button', { name: 'Commit', exact: true }).click();
    await page.locator('.history .commit', { hasText: 'seed example' }).waitFor();
    assert.equal(await page.locator('.history .changes').count(), 0, 'clean after the commit');
    const text = await editor(page).inputValue();
    await editor(page).fill(text.replace('1.23.1', '1.25.0'));
    await waitRendered(page, 'new-nginx:1.25.0');
    await page.getByLabel('Commit message').fill('bump the tag');
    await page.getByRole('button', { name: 'Commit', exact: true }).click();
    const log = page.locator('.history .commit');
    await log.nth(1).waitFor();
    assert.match(await log.nth(0).textContent(), /^[0-9a-f]{7}bump the tag$/);
    // View the newest revision: its diff against its parent.
    await log.nth(0).click();
    const diff = page.getByTestId('diff');
    assert.match(await diff.textContent(), /-    newTag: 1\.23\.1/);
    assert.match(await diff.textContent(), /\+    newTag: 1\.25\.0/);
    await page.screenshot({ path: `${shots}/history-diff.png` });
    await page.keyboard.press('Escape');
    // Restore the first revision.
    await log.nth(1).click();
    answer(page, true);
    await page.getByRole('button', { name: 'Restore the files of this revision' }).click();
    await waitRendered(page, 'new-nginx:1.23.1');
    assert.match(await editor(page).inputValue(), /newTag: 1\.23\.1/);
    assert.match(await page.locator('.history .changes').textContent(), /1 changed file/);
  },
};
