/* Tremplin's service worker. Served at /sw.js (web/pwa.py), from the root, so that its
   scope is the whole site. No framework, no build step.

   - The app shell (below) is precached at install and served cache-first: a phone on
     patchy data starts from what it already has.
   - Pages (navigations) go to the network first. A page is kept for offline use only when
     a whole page came back for a plain navigation (no HX-Request header: never an htmx
     fragment, never a redirect, only HTML) of the trainee's app or the home page; offline,
     a page not kept gives the offline page. A navigation to the sign-in page or a sign-out
     forgets the kept pages: a phone or a computer may be shared.
   - Everything else (htmx requests, the API, forms posted, the live stream /me/stream)
     goes to the network only: nothing personal or changing is answered from a cache.
   - Background Sync ("outbox") replays the actions app.js queued offline in IndexedDB.

   Updates: a new worker takes over at once (skipWaiting, then clients.claim) and deletes
   the caches of the old one; pages already open keep what they loaded, and app.js never
   reloads them, so the updated app shows at the next load and nothing flips back.
   Bump SHELL whenever the shell changes (a file below, this list, or the caching rules
   here). The server also appends a digest of the shell files to this script, so that a
   changed file alone makes browsers install the worker again and refetch the shell. */

const SHELL = "tremplin-shell-v1"; // bump when the shell changes
const PAGES = SHELL + "-pages";
const OFFLINE = { fr: "/offline?lang=fr", en: "/offline?lang=en" };
const FILES = [
  "/static/app.css",
  "/static/app.js",
  "/static/vendor/htmx-2.0.11.min.js",
  "/manifest.webmanifest",
  "/static/icons/icon-192.png",
  "/static/icons/icon-512.png",
  "/static/icons/icon-maskable-512.png",
  OFFLINE.fr,
  OFFLINE.en,
];
const KEPT = /^\/(me(\/|$)|$)/; // pages kept for offline use: the trainee's app, the home page
const FORGET = /^\/(login|logout|account\/sign-out-everywhere)$/;
const MAX_PAGES = 30;

self.addEventListener("install", (event) => {
  // The first install takes the files the page has just loaded from the HTTP cache (the
  // first load's budget); an update asks the server again ("no-cache"), or it could keep
  // an old file. The offline page is fetched without cookies: the same for everyone, no
  // one's session in it.
  const cache = self.registration.active ? "no-cache" : "default";
  const requests = FILES.map(
    (url) => new Request(url, { cache, credentials: url.startsWith("/offline") ? "omit" : "same-origin" }),
  );
  event.waitUntil(
    caches.open(SHELL).then((cache) => cache.addAll(requests)).then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((n) => n !== SHELL && n !== PAGES).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && FORGET.test(url.pathname)) event.waitUntil(caches.delete(PAGES));
  if (request.method !== "GET") return; // forms posted: network only
  if (request.mode === "navigate") {
    event.respondWith(page(event, url));
  } else if (FILES.includes(url.pathname + url.search)) {
    event.respondWith(
      caches.match(request, { cacheName: SHELL, ignoreVary: true }).then((hit) => hit || fetch(request)),
    );
  } // anything else (htmx, API, /me/stream): not answered here, so the network answers
});

async function page(event, url) {
  const request = event.request;
  try {
    const response = await fetch(request);
    const html = (response.headers.get("Content-Type") || "").startsWith("text/html");
    // A navigation is fetched with redirect "manual": a redirect comes back as status 0.
    if (KEPT.test(url.pathname) && response.ok && html && !request.headers.has("HX-Request")) {
      event.waitUntil(keep(request, response.clone()));
    }
    return response;
  } catch (offline) {
    const kept = await caches.match(request, { cacheName: PAGES });
    if (kept) return kept;
    const lang = url.searchParams.get("lang") || (navigator.language.startsWith("en") ? "en" : "fr");
    return (await caches.match(OFFLINE[lang] || OFFLINE.fr, { cacheName: SHELL, ignoreVary: true })) || Response.error();
  }
}

async function keep(request, response) {
  const cache = await caches.open(PAGES);
  await cache.put(request, response);
  const keys = await cache.keys(); // oldest first
  await Promise.all(keys.slice(0, Math.max(0, keys.length - MAX_PAGES)).map((k) => cache.delete(k)));
}

// The outbox, as app.js writes it (keep the two in step): database "tremplin-outbox",
// store "actions", records {id: command id, action: URL, fields, queued_at, token}.
self.addEventListener("sync", (event) => {
  if (event.tag === "outbox") event.waitUntil(replay());
});

function outbox(mode, work) {
  return new Promise((resolve, reject) => {
    const opening = indexedDB.open("tremplin-outbox", 1);
    opening.onupgradeneeded = () => opening.result.createObjectStore("actions", { keyPath: "id" });
    opening.onerror = () => reject(opening.error);
    opening.onsuccess = () => {
      const db = opening.result;
      const tx = db.transaction("actions", mode);
      const asked = work(tx.objectStore("actions"));
      tx.oncomplete = () => (db.close(), resolve(asked.result));
      tx.onerror = tx.onabort = () => (db.close(), reject(tx.error));
    };
  });
}

// A worker has no page to read the CSRF token from: it replays only actions queued with
// one. A network error rejects, and the browser fires "sync" again later.
async function replay() {
  for (const action of await outbox("readonly", (store) => store.getAll())) {
    if (!action.token) continue;
    const fields = { ...action.fields, _csrf_token: action.token };
    const response = await fetch(action.action, {
      method: "POST",
      body: new URLSearchParams(fields),
      headers: { "X-CSRFToken": action.token },
      redirect: "manual",
      credentials: "same-origin",
    });
    const verdict = judge(response);
    if (verdict) {
      await outbox("readwrite", (store) => store.delete(action.id));
      const pages = await self.clients.matchAll({ type: "window" });
      pages.forEach((client) => client.postMessage({ outbox: action.id, ok: verdict === "done" }));
    }
  }
}

// "done": recorded (the server redirects after a form); "refused": a 4xx that will never
// succeed; null: keep it (signed out, stale token, too many requests, server error).
function judge(response) {
  const status = response.status;
  if (response.type === "opaqueredirect" || (status >= 200 && status < 400)) return "done";
  if (status >= 400 && status < 500 && ![401, 403, 429].includes(status)) return "refused";
  return null;
}
