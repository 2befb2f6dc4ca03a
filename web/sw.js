// kubeplay's service worker: after one visit the app loads with the network off.
// The page (index.html) and the engine worker's files (Trunk cannot hash their names: the page
// names them at run time) are fetched network-first so a new deploy shows up at once, and fall
// back to the cached copy offline; everything else (hashed wasm/JS, CSS, icons) is
// cache-first. All URLs are relative to the worker's scope, so a sub-path works too.
const CACHE = 'kubeplay-v2';
const scoped = (path) => new URL(path, self.registration.scope).href;
const ENGINE = ['./kubeplay-worker_loader.js', './kubeplay-worker.js', './kubeplay-worker_bg.wasm'].map(scoped);

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    const page = await fetch(scoped('./'), { cache: 'no-cache' });
    if (page.ok) {
      const html = await page.clone().text();
      await cache.put(scoped('./'), page);
      // The assets the page names (Trunk writes them as relative href/src attributes).
      const assets = [...html.matchAll(/(?:href|src)="(\.\/[^"#?]+)"/g)].map((m) => scoped(m[1]));
      await cache.addAll([...new Set([...assets, ...ENGINE])]);
    }
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) {
      if (key !== CACHE) await caches.delete(key);
    }
    await self.clients.claim();
  })());
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (ENGINE.includes(url.href.split(/[?#]/)[0])) {
    event.respondWith((async () => {
      const cache = await caches.open(CACHE);
      try {
        const fresh = await fetch(request);
        if (fresh.ok) await cache.put(request, fresh.clone());
        return fresh;
      } catch (offline) {
        return (await cache.match(request)) ?? Response.error();
      }
    })());
    return;
  }
  if (request.mode === 'navigate') {
    event.respondWith((async () => {
      const cache = await caches.open(CACHE);
      try {
        const fresh = await fetch(request);
        const isApp = url.href.split(/[?#]/)[0] === scoped('./') || url.pathname.endsWith('/index.html');
        if (fresh.ok && isApp) await cache.put(scoped('./'), fresh.clone());
        else if (fresh.ok) await cache.put(url.href.split(/[?#]/)[0], fresh.clone());
        return fresh;
      } catch (offline) {
        return (await cache.match(request, { ignoreSearch: true }))
          ?? (await cache.match(scoped('./')))
          ?? Response.error();
      }
    })());
    return;
  }
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    const hit = await cache.match(request);
    if (hit) return hit;
    const fresh = await fetch(request);
    if (fresh.ok) await cache.put(request, fresh.clone());
    return fresh;
  })());
});
