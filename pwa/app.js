/* Tremplin's one page script, loaded with defer on every page. No framework; keep it
   tiny (the first load's budget is 60 KB compressed, htmx included).
   - registers the service worker (/sw.js);
   - the offline outbox: a form marked data-outbox is sent with fetch; when the phone is
     offline or the network fails, its fields (with a command id made here, before the
     first try) go to IndexedDB and are replayed later: on "online", on every page load,
     and by the worker's Background Sync. The server's idempotent commands record a
     replayed action once. The form's [data-outbox-status] says how it went;
   - live updates: [data-live] opens an EventSource on its data-live-src; "xp" events
     set [data-live-xp], "board" events refresh [data-live-board] through htmx.
   It never reloads the page: an updated service worker shows at the next load. */
(() => {
  "use strict";
  const html = document.documentElement;
  const en = html.lang === "en";
  const WAITING = en ? "Waiting to send" : "En attente d'envoi";
  const RECORDED = en ? "Recorded" : "Enregistré";
  const REFUSED = en ? "Not recorded: open the page again to see why" : "Non enregistré : rouvrez la page pour voir pourquoi";
  const worker = navigator.serviceWorker;
  const statuses = new Map(); // command id → the status element of the form that queued it
  let replaying = false;
  let retry = 0;
  let stream = null;

  if (worker) {
    addEventListener("load", () => worker.register("/sw.js").catch(() => {}));
    worker.addEventListener("message", (e) => e.data && e.data.outbox && say(e.data.outbox, e.data.ok ? RECORDED : REFUSED));
  }

  function token() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"] || "";
    } catch (error) {
      return "";
    }
  }

  // Who is signed in (<body data-user>): an action is replayed for the person who queued it.
  const who = () => document.body.dataset.user || "";

  function say(id, words) {
    const status = statuses.get(id);
    if (status) status.textContent = words;
  }

  // The outbox, as sw.js reads it (keep the two in step).
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

  function post(action, csrf, extra) {
    return fetch(action.action, {
      method: "POST",
      body: new URLSearchParams({ ...action.fields, _csrf_token: csrf }),
      headers: { "X-CSRFToken": csrf, ...extra },
      redirect: extra ? "follow" : "manual",
    });
  }

  function today() {
    const now = new Date();
    return new Date(now - now.getTimezoneOffset() * 60000).toISOString().slice(0, 10);
  }

  document.addEventListener("submit", async (e) => {
    const form = e.target;
    if (e.defaultPrevented || !form.matches("form[data-outbox]")) return;
    e.preventDefault();
    const input = form.elements.command_id;
    const id = (input && input.value) || crypto.randomUUID();
    if (input) input.value = id;
    const fields = Object.fromEntries(new FormData(form, e.submitter));
    const action = { id, action: form.action, fields: { ...fields, command_id: id }, queued_at: new Date().toISOString(), token: token(), who: who() };
    if (navigator.onLine) {
      try {
        return show(form, await post(action, action.token, { Accept: "text/html" }));
      } catch (error) {
        // the network failed: queue it
      }
    }
    action.fields.occurred_on = action.fields.occurred_on || today(); // the day it happened, here
    try {
      await outbox("readwrite", (store) => store.put(action));
    } catch (error) {
      return form.submit(); // no IndexedDB: as without JavaScript
    }
    statuses.set(id, form.querySelector("[data-outbox-status]"));
    say(id, WAITING);
    form.reset();
    if (input) input.value = ""; // the next action gets an id of its own
    if (worker) worker.ready.then((r) => r.sync && r.sync.register("outbox")).catch(() => {});
  });

  // Online: the server's answer (the page it redirects to, with its message) replaces <main>.
  async function show(form, response) {
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const main = page.querySelector("main");
    const here = document.querySelector("main");
    if (!main || !here) return (form.querySelector("[data-outbox-status]") || {}).textContent = REFUSED;
    here.replaceWith(main);
    document.title = page.title;
    history.replaceState(null, "", response.url);
    if (window.htmx) htmx.process(main);
    for (const wanted of ["[role=alert]", "[role=status]:not(:empty)", "h1"]) {
      const found = main.querySelector(wanted);
      if (found) return (found.tabIndex = -1), found.focus();
    }
  }

  async function replay() {
    if (replaying || !navigator.onLine) return;
    replaying = true;
    clearTimeout(retry);
    try {
      for (const action of await outbox("readonly", (store) => store.getAll())) {
        if ((action.who || "") !== who()) continue; // someone else on this phone: theirs waits
        const response = await post(action, token() || action.token);
        const s = response.status;
        const done = response.type === "opaqueredirect" || (s >= 200 && s < 400);
        if (done || (s >= 400 && s < 500 && ![401, 403, 429].includes(s))) {
          await outbox("readwrite", (store) => store.delete(action.id));
          say(action.id, done ? RECORDED : REFUSED);
        }
      }
    } catch (error) {
      retry = setTimeout(replay, 30000); // online, yet the server is out of reach
    }
    replaying = false;
  }
  addEventListener("online", replay);
  replay();

  // Offline, a tab of the boosted menu fails in htmx: go there for real, so the service
  // worker answers with the page it kept, or the offline page.
  document.addEventListener("htmx:sendError", (e) => {
    const d = e.detail;
    if (d.boosted && d.requestConfig && d.requestConfig.verb === "get") location.assign(d.pathInfo.requestPath);
  });

  function live() {
    const source = document.querySelector("[data-live]");
    if (source && !stream && window.EventSource) {
      stream = new EventSource(source.dataset.liveSrc);
      stream.addEventListener("xp", (e) => {
        const xp = Number(e.data);
        if (Number.isFinite(xp)) document.querySelectorAll("[data-live-xp]").forEach((el) => (el.textContent = xp.toLocaleString(html.lang)));
      });
      stream.addEventListener("board", () => {
        if (window.htmx) document.querySelectorAll("[data-live-board]").forEach((el) => htmx.trigger(el, "refresh"));
      });
    } else if (!source && stream) {
      stream.close();
      stream = null;
    }
  }
  live();
  document.addEventListener("htmx:afterSettle", live);
  addEventListener("pageshow", live);
  addEventListener("pagehide", () => {
    if (stream) stream.close();
    stream = null;
  });
})();
