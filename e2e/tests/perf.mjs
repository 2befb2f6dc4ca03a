// The targets, measured and printed (not asserted): keystroke to render, time to
// interactive, the gzipped size of what the page loads.
import { readdirSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { resolve } from 'node:path';
import { open, openExample, openFile, editor } from './helpers.mjs';

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

/// Types `count` digits after `anchor` in `file`; after each, waits for the output to show
/// `want(tag)` and reads the engine's own time (measured in the worker) from the pane.
async function engineTimes(page, file, anchor, want, count = 15) {
  await openFile(page, file);
  await editor(page).evaluate((t, a) => {
    const at = t.value.indexOf(a) + a.length;
    t.focus();
    t.setSelectionRange(at, at);
  }, anchor);
  const times = [];
  let tag = '';
  for (let i = 0; i < count; i++) {
    tag += String(i % 10);
    await page.keyboard.type(String(i % 10));
    await page.waitForFunction(
      (w) => document.querySelector('[data-testid=rendered]')?.textContent.includes(w),
      want(tag),
    );
    times.push(Number(await page.locator('[data-testid=engine-time]').getAttribute('data-ms')));
  }
  return times;
}

export default {
  async 'engines in the browser: render time in the worker per example'({ page, origin }) {
    await open(page, origin);
    const cases = [
      ['kustomize-image', '/kustomize/kustomization.yaml', '1.23.1', (t) => `new-nginx:1.23.1${t}\n`],
      ['overlays', '/overlays/dev/kustomization.yaml', '1.27', (t) => `nginx:1.27${t}\n`],
      ['helm-chart', '/mychart/values.yaml', 'repository: nginx', (t) => `nginx${t}:`],
    ];
    for (const [id, file, anchor, want] of cases) {
      await openExample(page, id);
      const times = await engineTimes(page, file, anchor, want);
      if (times.some((t) => !(t >= 0))) throw new Error(`${id}: unreadable engine times ${times}`);
      console.log(`     wasm timing: ${id} render in the worker: median ${median(times).toFixed(2)} ms, max ${Math.max(...times).toFixed(2)} ms (${times.length} renders)`);
    }
  },

  async 'targets: keystroke to render, time to interactive, size'({ page, origin }) {
    // Time to interactive: navigation start to the first render with a working editor.
    const ttis = [];
    for (let i = 0; i < 3; i++) {
      await page.goto(`${origin}/?tti=${i}#example=kustomize-image`);
      await page.locator('[data-testid=rendered]').waitFor();
      ttis.push(await page.evaluate(() => performance.now()));
    }
    await open(page, origin);
    await openExample(page, 'kustomize-image');
    await openFile(page, '/kustomize/kustomization.yaml');
    // Caret at the end of the newTag line; each keystroke appends a digit to the tag.
    await editor(page).evaluate((t) => {
      const at = t.value.indexOf('1.23.1') + '1.23.1'.length;
      t.focus();
      t.setSelectionRange(at, at);
    });
    const { dom, frame } = await page.evaluate(async () => {
      const dom = [];
      const frame = [];
      const el = document.querySelector('[data-testid=rendered]');
      let tag = '1.23.1';
      for (let i = 0; i < 40; i++) {
        const digit = String(i % 10);
        tag += digit;
        const want = `new-nginx:${tag}`;
        const t0 = performance.now();
        await new Promise((done) => {
          const mo = new MutationObserver(() => {
            if (el.textContent.includes(want + '\n')) { mo.disconnect(); done(); }
          });
          mo.observe(el, { subtree: true, childList: true, characterData: true });
          document.execCommand('insertText', false, digit);
        });
        dom.push(performance.now() - t0);
        // Until the next frame (rendering happens then; this adds up to one frame's wait).
        await new Promise((r) => requestAnimationFrame(() => r()));
        frame.push(performance.now() - t0);
        await new Promise((r) => setTimeout(r, 20));
      }
      return { dom, frame };
    });
    const dist = resolve(import.meta.dirname, '../../dist');
    let raw = 0;
    let gz = 0;
    for (const f of readdirSync(dist).filter((f) => /\.(wasm|js|css)$/.test(f) && f !== 'sw.js')) {
      const b = readFileSync(resolve(dist, f));
      raw += b.length;
      gz += gzipSync(b, { level: 9 }).length;
    }
    const p90 = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.9)];
    console.log(`     target: keystroke to updated output (kustomize seed example): median ${median(dom).toFixed(1)} ms, p90 ${p90(dom).toFixed(1)} ms to the DOM; median ${median(frame).toFixed(1)} ms to the next frame (goal <= 16 ms)`);
    console.log(`     target: time to interactive ${median(ttis).toFixed(0)} ms (median of 3; goal < 1000 ms)`);
    console.log(`     target: wasm+JS+CSS ${(raw / 1e6).toFixed(2)} MB raw, ${(gz / 1e6).toFixed(3)} MB gzipped (goal < 1.0 MB, never > 1.5 MB)`);
  },
};
