{% autoescape off %}// The service worker of Village Desk (core/offline.py). It keeps the site's assets, and a copy
// of each page the server lets it keep (any answer but `Cache-Control: no-store`), so that the
// cadre's village can be read and its forms filled in without a signal. Pages come from the
// network first; the copy is used only when the network fails or is too slow.
// A form sent with the key the phone made for it (static/js/offline.js keeps it as "sending"
// under that key) is forgotten once the server answers; when the sending fails, hangs or meets
// a failing server (5xx, as a proxy on a weak link answers), it waits on the phone, to be sent
// through the API under the same key, and the form's page is shown again with QUEUED_MARK.
"use strict";
const VERSION = "{{ version }}";
const ASSETS = {{ assets }};
const OFFLINE_URL = {{ offline_url }};
// Named on the pages fetched to keep them: the server sets no cookie in answer (core/offline.py).
const KEEPING_HEADER = {{ keeping_header }};
const STATIC_CACHE = "vd-static-" + VERSION;
const PAGES_CACHE = "vd-pages";
const META_CACHE = "vd-meta";
// A page copy older than this is fetched again when a page asks to keep it. A page opened online
// renews its own copy; keeping in the background costs about 3 KB a page (a household list of 25
// names 79 pages: 258 KB, bench/page_weight.py), so it is done again at most every six hours.
const KEEP_FRESH_MS = 6 * 60 * 60 * 1000;
// How long a page may take from the network before its copy is shown instead.
const SLOW_MS = 6000;
// How long a form's sending may take before it is kept on the phone to be sent later.
const SEND_MS = 30000;
const KEY_FIELD = {{ key_field }};
const QUEUED_MARK = "#offline-queued";

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(STATIC_CACHE).then((cache) => cache.addAll(ASSETS)).then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys().then((names) =>
      Promise.all(
        names
          .filter((name) => name.startsWith("vd-static-") && name !== STATIC_CACHE)
          .map((name) => caches.delete(name))
      )
    ).then(() => self.clients.claim())
  );
});

function keepable(response) {
  const control = response.headers.get("Cache-Control") || "";
  const type = response.headers.get("Content-Type") || "";
  return (
    response.ok &&
    response.status === 200 &&
    response.type === "basic" &&
    !response.redirected &&
    !/no-store/i.test(control) &&
    type.startsWith("text/html")
  );
}

// A part of a page fetched by htmx is kept apart from the whole page at the same address.
function keyOf(url, part) {
  const key = new URL(url, self.location.origin);
  if (part) key.searchParams.set("_part", "1");
  return key.href;
}

async function remember(url, part, response) {
  if (!keepable(response)) return;
  const cache = await caches.open(PAGES_CACHE);
  await cache.put(keyOf(url, part), response);
}

async function fromNetwork(request, part) {
  const response = await fetch(request);
  remember(request.url, part, response.clone());
  return response;
}

async function page(request, part) {
  const copy = await caches.match(keyOf(request.url, part), { cacheName: PAGES_CACHE });
  const network = fromNetwork(request, part);
  if (!copy) {
    return network.catch(() => fallback(request));
  }
  const slow = new Promise((resolve) => setTimeout(() => resolve(copy), SLOW_MS));
  return Promise.race([network.catch(() => copy), slow]);
}

async function fallback(request) {
  if (request.mode === "navigate") {
    const offline = await caches.match(OFFLINE_URL, { cacheName: PAGES_CACHE });
    if (offline) return offline;
  }
  return Response.error();
}

// The item offline.js keeps for a sending, changed while it is still "sending". The queue is
// never made here: without it there is nothing to change.
function sendingChange(id, change) {
  return new Promise((resolve) => {
    const opening = indexedDB.open("villagedesk-offline", 1);
    opening.onupgradeneeded = () => opening.transaction.abort();
    opening.onerror = () => resolve();
    opening.onsuccess = () => {
      const db = opening.result;
      const transaction = db.transaction("queue", "readwrite");
      const queue = transaction.objectStore("queue");
      const getting = queue.get(id);
      getting.onsuccess = () => {
        if (getting.result && getting.result.state === "sending") change(queue, getting.result);
      };
      transaction.oncomplete = transaction.onerror = transaction.onabort = () => {
        db.close();
        resolve();
      };
    };
  });
}

function withinTime(promise, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("timed out")), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      }
    );
  });
}

async function formSent(request) {
  const key = await request
    .clone()
    .formData()
    .then((data) => data.get(KEY_FIELD), () => null);
  if (!key) return fetch(request);
  let response = null;
  try {
    response = await withinTime(fetch(request), SEND_MS);
  } catch (error) {
    response = null;
  }
  // A redirect is answered as an opaque one (status 0): the server answered.
  if (response && response.status < 500) {
    await sendingChange(key, (queue, item) => queue.delete(item.id));
    return response;
  }
  // An answer arriving after this goes nowhere; the API's sending gets the record it made.
  await sendingChange(key, (queue, item) => {
    item.state = "waiting";
    queue.put(item);
  });
  const page = new URL(request.url);
  page.hash = QUEUED_MARK;
  return Response.redirect(page.href, 303);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  const own = !/^\/(api|admin|accounts)\//.test(url.pathname);
  if (request.method === "POST" && request.mode === "navigate" && own) {
    event.respondWith(formSent(request));
    return;
  }
  if (request.method !== "GET") return;
  if (ASSETS.includes(url.pathname)) {
    event.respondWith(
      caches.match(request, { cacheName: STATIC_CACHE }).then((hit) => hit || fetch(request))
    );
    return;
  }
  if (!own || url.pathname === "/sw.js") return;
  const part = request.headers.get("HX-Request") === "true";
  if (request.mode === "navigate" || part) {
    event.respondWith(page(request, part));
  }
});

async function keep(urls) {
  const cache = await caches.open(PAGES_CACHE);
  let kept = 0;
  for (const item of urls) {
    const key = keyOf(item.url, item.part);
    const copy = await cache.match(key);
    const date = copy ? Date.parse(copy.headers.get("Date") || "") : 0;
    if (copy && Date.now() - date < KEEP_FRESH_MS) {
      kept += 1;
      continue;
    }
    try {
      const headers = { [KEEPING_HEADER]: "1" };
      if (item.part) headers["HX-Request"] = "true";
      // A redirect (the session has ended: to the login page) is not followed, and stops the
      // keeping: rendered in the background, the login page would set a new CSRF cookie under
      // the login form the user has open.
      const response = await fetch(item.url, { credentials: "same-origin", headers, redirect: "manual" });
      if (response.type === "opaqueredirect") break;
      if (keepable(response)) {
        await cache.put(key, response);
        kept += 1;
      }
    } catch (error) {
      break;
    }
  }
  return kept;
}

// The page says whose it is: the copies of another user's pages go.
async function userIs(user) {
  const meta = await caches.open(META_CACHE);
  const stored = await meta.match("/__user");
  const previous = stored ? await stored.text() : null;
  if (previous !== String(user)) {
    await caches.delete(PAGES_CACHE);
    await meta.put("/__user", new Response(String(user)));
  }
}

self.addEventListener("message", (event) => {
  const data = event.data || {};
  const reply = (message) => event.source && event.source.postMessage(message);
  if (data.type === "user") {
    event.waitUntil(
      userIs(data.user)
        .then(() => keep([{ url: OFFLINE_URL, part: false }]))
        .then(() => keep(data.keep || []))
        .then((kept) => reply({ type: "kept", kept: kept, asked: (data.keep || []).length }))
    );
  } else if (data.type === "forget") {
    event.waitUntil(
      caches.keys()
        .then((names) => Promise.all(names.map((name) => caches.delete(name))))
        .then(() => reply({ type: "forgotten" }))
    );
  }
});
{% endautoescape %}
