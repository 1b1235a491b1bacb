// Ruche realtime: one Server-Sent Events stream per page (ruche/realtime/views.py).
// New posts in the home feed → a "Show N new posts" button above it (the composer is left alone);
// notifications → the header badge (and the list, on the notifications page);
// reactions, replies and shares → the counts of the posts on screen.
(function () {
  "use strict";
  const config = document.getElementById("realtime");
  if (!config || !window.EventSource) return;
  const lang = document.documentElement.lang || "en";
  const plural = new Intl.PluralRules(lang);
  const say = (name, n) => {
    const form = plural.select(n) === "one" ? "one" : "other";
    return (config.dataset[name + (form === "one" ? "One" : "Other")] || "").replace("%(n)s", n);
  };
  const pending = new Set();
  // Until an event arrives, the stream asks for what happened since the page was drawn (or since
  // the feed was last redrawn), by the browser's clock: performance.now() is "ms since the page".
  let source = null, lastId = "", drawnAt = 0;

  function onNewPost(data) {
    const feed = document.getElementById("feed-items"), region = document.getElementById("new-posts");
    if (!feed || !region || document.getElementById("post-" + data.post)) return;
    if (feed.dataset.filter === "announcements") return;  // a list of announcements: no post goes there
    pending.add(data.post);
    let button = region.querySelector("button");
    if (!button) {
      button = document.createElement("button");
      button.type = "button";
      button.className = "button new-posts-button";
      button.addEventListener("click", showNewPosts);
      region.appendChild(button);
    }
    button.textContent = say("new", pending.size);
  }

  function showNewPosts() {
    const region = document.getElementById("new-posts");
    pending.clear();
    region.replaceChildren();
    // Page 1 of the feed, as htmx asks for it (the partial): only the list is replaced. The filter
    // and order shown (the URL's, else the person's remembered ones), never a page's cursor.
    const url = new URL(window.location.href);
    url.searchParams.delete("cursor"); url.searchParams.delete("before");
    window.htmx.ajax("GET", url.pathname + url.search, { target: "#feed-items", swap: "innerHTML" })
      .then(() => { const first = document.querySelector("#feed-items .post"); if (first) first.setAttribute("tabindex", "-1"), first.focus(); });
  }

  function onNotifications(data) {
    const slot = document.querySelector(".nav-notifications .badge-slot");
    if (slot && data.unread === undefined) {  // a bulk notice: one more than shown
      data.unread = (parseInt(slot.textContent, 10) || 0) + (data.added || 0);
    }
    if (slot) {
      slot.replaceChildren();
      if (data.unread > 0) {
        const badge = document.createElement("span"), hidden = document.createElement("span");
        badge.className = "badge"; badge.dataset.testid = "unread-badge";
        hidden.className = "visually-hidden"; hidden.textContent = " " + config.dataset.unread;
        badge.append(String(data.unread), hidden);
        slot.appendChild(badge);
      }
    }
    const list = document.querySelector("ul.notifications");
    if (list && window.htmx) window.htmx.ajax("GET", window.location.pathname + window.location.search, { target: list, swap: "innerHTML" });
  }

  function onCounts(data) {
    document.querySelectorAll('[data-reactions-of="' + data.post + '"]').forEach((box) => {
      let link = box.querySelector(".reaction-summary");
      if (!link && data.reactions > 0) {
        link = document.createElement("a");
        link.className = "reaction-summary";
        link.href = config.dataset.postUrl.replace("/0/", "/" + data.post + "/") + "reactions/";
        const count = document.createElement("span");
        count.setAttribute("aria-hidden", "true"); count.dataset.reactionCount = "";
        link.appendChild(count);
        box.prepend(link);
      }
      if (!link) return;
      if (data.reactions === 0) { link.remove(); return; }
      link.querySelector("[data-reaction-count]").textContent = data.reactions;
      link.setAttribute("aria-label", say("reacted", data.reactions));
    });
    if (data.shares > 0) {
      document.querySelectorAll('[data-shares-of="' + data.post + '"]').forEach((el) => { el.textContent = say("shared", data.shares); });
    }
    const card = document.querySelector('article[data-post="' + data.post + '"]');
    if (!card) return;
    const shown = parseInt(card.dataset.replies, 10) || 0, more = data.replies - shown;
    const note = card.querySelector(".new-replies");
    if (!note) return;
    note.replaceChildren();
    if (more > 0) {
      const link = document.createElement("a");
      link.href = config.dataset.postUrl.replace("/0/", "/" + data.post + "/");
      link.textContent = say("reply", more);
      note.appendChild(link);
    }
  }

  const handlers = { "feed.post": onNewPost, "notifications": onNotifications, "post.counts": onCounts };

  function connect() {
    const params = new URLSearchParams();
    if (lastId) params.set("last_event_id", lastId);
    else params.set("age", String(Math.round(performance.now() - drawnAt)));
    source = new EventSource(config.dataset.url + "?" + params);
    Object.entries(handlers).forEach(([type, handle]) => source.addEventListener(type, (ev) => {
      lastId = ev.lastEventId || lastId;
      try { handle(JSON.parse(ev.data)); } catch (e) { /* one bad event must not stop the stream */ }
    }));
    source.addEventListener("ready", (ev) => { lastId = ev.lastEventId || lastId; document.documentElement.dataset.realtime = "on"; });
    // What was missed cannot be replayed (too old, too much): the page is redrawn, unless the
    // person is writing something, in which case the feed alone is.
    source.addEventListener("reload", () => {
      source.close(); lastId = "";
      const writing = [...document.querySelectorAll("textarea")].some((t) => t.value.trim());
      if (!writing) window.location.reload();
      else { drawnAt = performance.now(); setTimeout(connect, 1000); }
    });
    // The browser reconnects by itself (with Last-Event-ID) unless the server refused the stream.
    source.onerror = () => {
      if (source.readyState === EventSource.CLOSED) { delete document.documentElement.dataset.realtime; setTimeout(connect, 15000); }
    };
  }
  connect();
})();
