// End-to-end tests: the built site (dist/) in headless Chromium.
// Prints one line per test, then `e2e: N passed, M failed`; exits non-zero on any failure.
// Screenshots go to target/e2e/ (look at them: they must look like a product).
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { serveDist } from './serve.mjs';
import { launch, isolatedPage } from './browser.mjs';
import slice from './tests/slice.mjs';
import examples from './tests/examples.mjs';
import editing from './tests/editing.mjs';
import provenance from './tests/provenance.mjs';
import workspace from './tests/workspace.mjs';
import share from './tests/share.mjs';
import embed from './tests/embed.mjs';
import offline from './tests/offline.mjs';
import chrome from './tests/chrome.mjs';
import perf from './tests/perf.mjs';
import live from './tests/live.mjs';
import helm from './tests/live_helm.mjs';

const root = resolve(import.meta.dirname, '..');
const shots = resolve(root, 'target/e2e');
await mkdir(shots, { recursive: true });

const all = { slice, examples, editing, provenance, workspace, share, embed, offline, chrome, perf, live, helm };
// E2E_SUITES=live,perf runs only those suites.
const only = process.env.E2E_SUITES?.split(',').map((s) => s.trim()).filter(Boolean);
const suites = Object.entries(all).filter(([name]) => !only || only.includes(name)).map(([, s]) => s);
// E2E_DIST=/path serves another build (to measure a change against the build before it).
const { server, origin } = await serveDist(process.env.E2E_DIST ?? resolve(root, 'dist'));
const browser = await launch();
let passed = 0;
let failed = 0;
try {
  for (const suite of suites) {
    for (const [name, test] of Object.entries(suite)) {
      // E2E_TESTS=word runs only the tests whose name contains it.
      if (process.env.E2E_TESTS && !name.includes(process.env.E2E_TESTS)) continue;
      const context = await browser.newContext({ viewport: { width: 1400, height: 860 } });
      const offsite = [];
      const page = await isolatedPage(context, origin, offsite);
      const errors = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      try {
        await test({ page, context, origin, shots, offsite });
        if (errors.length) throw new Error(`uncaught page errors: ${errors.join('; ')}`);
        if (offsite.length) throw new Error(`requests left the origin: ${offsite.join(', ')}`);
        passed++;
        console.log(`ok   ${name}`);
      } catch (e) {
        failed++;
        const extra = errors.length ? ` (page errors: ${errors.join('; ')})` : '';
        console.log(`FAIL ${name}: ${e.message}${extra}`);
        await page.screenshot({ path: `${shots}/FAILED-${name}.png` }).catch(() => {});
      } finally {
        await context.close();
      }
    }
  }
} finally {
  await browser.close();
  server.close();
}
console.log(`e2e: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
