// Ruche: autocomplete for @mentions, #hashtags, skills and a colleague field; Ctrl+Enter publishes.
// Works on any field present now or added later by htmx (events are delegated from document).
(function () {
  "use strict";
  const SOURCES = { "@": "/autocomplete/people/", "#": "/autocomplete/hashtags/" };
  let box = null, field = null, items = [], active = -1, range = null, timer = null, seq = 0;

  function close() {
    if (box) box.remove();
    if (field) { field.removeAttribute("aria-activedescendant"); field.setAttribute("aria-expanded", "false"); }
    box = null; items = []; active = -1; range = null;
  }

  // What is being typed: for a textarea, the @word or #word right before the caret;
  // for a skills input, the comma-separated item under the caret; for a colleague field, all of it.
  function currentQuery(el) {
    const caret = el.selectionStart, text = el.value.slice(0, caret);
    if (el.hasAttribute("data-autocomplete-person")) {
      const q = el.value.trim().replace(/^@/, "");
      return q.length >= 1 ? { url: SOURCES["@"], q, start: 0, end: el.value.length, sigil: "", whole: true } : null;
    }
    if (el.hasAttribute("data-autocomplete-skills")) {
      const start = text.lastIndexOf(",") + 1;
      const q = text.slice(start).trimStart();
      return q.length >= 1 ? { url: "/autocomplete/skills/", q, start: caret - q.length, end: caret, sigil: "" } : null;
    }
    const m = /(^|[\s(])([@#])([\p{L}\p{N}._-]{1,40})$/u.exec(text);
    if (!m) return null;
    return { url: SOURCES[m[2]], q: m[3], start: caret - m[3].length - 1, end: caret, sigil: m[2] };
  }

  function render(el, results) {
    close();
    if (!results.length) return;
    field = el; items = results;
    box = document.createElement("ul");
    box.className = "autocomplete"; box.id = "autocomplete-list"; box.setAttribute("role", "listbox");
    results.forEach((r, i) => {
      const li = document.createElement("li");
      li.id = "autocomplete-" + i; li.setAttribute("role", "option");
      li.textContent = r.label;
      if (r.detail) { const s = document.createElement("small"); s.textContent = r.detail; li.appendChild(s); }
      li.addEventListener("mousedown", (ev) => { ev.preventDefault(); choose(i); });
      box.appendChild(li);
    });
    const rect = el.getBoundingClientRect();
    box.style.left = window.scrollX + rect.left + "px";
    box.style.top = window.scrollY + rect.bottom + 2 + "px";
    document.body.appendChild(box);
    el.setAttribute("aria-expanded", "true");
    el.setAttribute("aria-controls", box.id);
    highlight(0);
  }

  function highlight(i) {
    if (!box) return;
    active = (i + items.length) % items.length;
    box.querySelectorAll("li").forEach((li, j) => li.setAttribute("aria-selected", j === active ? "true" : "false"));
    field.setAttribute("aria-activedescendant", "autocomplete-" + active);
  }

  function choose(i) {
    const r = items[i], el = field, q = range;
    if (!r || !el || !q) return close();
    const insert = q.whole ? r.value : q.sigil + r.value + (q.sigil ? " " : ", ");
    el.value = el.value.slice(0, q.start) + insert + el.value.slice(q.end);
    const caret = q.start + insert.length;
    el.setSelectionRange(caret, caret);
    close();
    el.focus();
  }

  document.addEventListener("input", (ev) => {
    const el = ev.target;
    if (!el.matches("[data-autocomplete], [data-autocomplete-skills], [data-autocomplete-person]")) return;
    clearTimeout(timer);
    const q = currentQuery(el);
    if (!q) return close();
    const mine = ++seq;
    timer = setTimeout(async () => {
      const response = await fetch(q.url + "?q=" + encodeURIComponent(q.q), { headers: { Accept: "application/json" } });
      // Not for a field left meanwhile (published, or another one clicked): the list would stay open.
      if (!response.ok || mine !== seq || document.activeElement !== el) return;
      const data = await response.json();
      render(el, data.results);
      range = q;
    }, 120);
  });

  document.addEventListener("keydown", (ev) => {
    const el = ev.target;
    if (box && el === field) {
      if (ev.key === "ArrowDown") { ev.preventDefault(); highlight(active + 1); return; }
      if (ev.key === "ArrowUp") { ev.preventDefault(); highlight(active - 1); return; }
      if (ev.key === "Enter" || ev.key === "Tab") { ev.preventDefault(); choose(active); return; }
      if (ev.key === "Escape") { ev.preventDefault(); close(); return; }
    }
    if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey) && el.form && el.matches("textarea")) {
      ev.preventDefault();
      el.form.requestSubmit();
    }
  });

  document.addEventListener("focusout", (ev) => { if (ev.target === field) setTimeout(close, 150); });
  document.addEventListener("submit", () => { seq++; close(); });
})();

// A link to a form field ("next step: your job title" -> /me/edit/#id_job_title) puts the caret in it.
(function () {
  "use strict";
  function focusTarget() {
    if (!location.hash) return;
    const el = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (el && el.matches("input, select, textarea")) el.focus();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", focusTarget);
  else focusTarget();
  window.addEventListener("hashchange", focusTarget);
})();

// After htmx redraws a toggle (a reaction, a vote, a follow), the button pressed is a new element:
// put the focus back on it, so that someone using the keyboard goes on from where they were.
// The form, or the link itself, carries data-keep-focus="<a key stable across the swap>".
(function () {
  "use strict";
  let pending = null;
  document.addEventListener("htmx:beforeRequest", (ev) => {
    const holder = document.activeElement && document.activeElement.closest("[data-keep-focus]");
    pending = holder && holder.contains(ev.detail.elt) ? holder.dataset.keepFocus : null;
  });
  document.addEventListener("htmx:afterSettle", () => {
    if (!pending) return;
    const key = pending;
    pending = null;
    const active = document.activeElement;
    if (active && active !== document.body && active.isConnected) return; // focus is still somewhere useful
    const holder = document.querySelector(`[data-keep-focus="${CSS.escape(key)}"]`);
    // The holder itself when it is the link (the home feed's tabs), else the control inside it.
    const focusable = "button:not([disabled]), a[href], summary";
    const target = holder && (holder.matches(focusable) ? holder : holder.querySelector(focusable));
    if (target) target.focus();
  });
})();

// Attachments: a form with [data-attach] uploads each file as soon as it is picked, dropped on the
// form or pasted into its text, with its progress; the server answers the file's chip, whose hidden
// `attachments` field goes with the form. The form cannot be sent while a file is still uploading.
(function () {
  "use strict";

  function csrf(form) {
    const input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  // No sending while a file uploads; the text may stay empty only when files are attached.
  function busy(form) {
    const uploading = form.querySelector(".attach-chip.uploading") !== null;
    form.querySelectorAll("button[type=submit]").forEach((b) => { b.disabled = uploading; });
    const body = form.querySelector("textarea[name=body][data-attach-optional]");
    if (body) body.required = form.querySelector(".attach-chip input[name=attachments]") === null;
  }

  function failed(chip, message) {
    chip.classList.remove("uploading");
    chip.classList.add("attach-failed");
    chip.querySelector("progress")?.remove();
    const error = document.createElement("span");
    error.className = "form-error"; error.setAttribute("role", "alert"); error.textContent = message;
    chip.appendChild(error);
    const remove = document.createElement("button");
    remove.type = "button"; remove.className = "attach-remove link-button"; remove.textContent = "×";
    remove.setAttribute("data-attach-remove", ""); remove.setAttribute("aria-label", message);
    chip.appendChild(remove);
  }

  function upload(zone, file) {
    const form = zone.closest("form"), list = zone.querySelector(".attach-list");
    const chip = document.createElement("li");
    chip.className = "attach-chip uploading";
    const name = document.createElement("span");
    name.className = "attach-name"; name.textContent = file.name || "image";
    const progress = document.createElement("progress");
    progress.max = 100; progress.value = 0; progress.setAttribute("aria-label", name.textContent);
    chip.append(name, progress);
    list.appendChild(chip);
    if (file.size > Number(zone.dataset.maxBytes)) { failed(chip, zone.dataset.tooLarge); return; }
    busy(form);
    const data = new FormData();
    data.append("file", file, file.name || "image.png");
    const xhr = new XMLHttpRequest();
    xhr.open("POST", zone.dataset.uploadUrl);
    xhr.setRequestHeader("X-CSRFToken", csrf(form));
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.addEventListener("progress", (ev) => {
      if (ev.lengthComputable) progress.value = Math.round((ev.loaded / ev.total) * 100);
    });
    xhr.addEventListener("load", () => {
      let answer = {};
      try { answer = JSON.parse(xhr.responseText); } catch (e) { /* not JSON: a proxy's error page */ }
      if (xhr.status === 201 && answer.html) {
        const template = document.createElement("template");
        template.innerHTML = answer.html.trim();
        chip.replaceWith(template.content.firstElementChild);
      } else {
        failed(chip, answer.error || zone.dataset.failed);
      }
      busy(form);
    });
    xhr.addEventListener("error", () => { failed(chip, zone.dataset.failed); busy(form); });
    xhr.send(data);
  }

  function uploadAll(zone, files) { Array.from(files).forEach((file) => upload(zone, file)); }

  document.addEventListener("change", (ev) => {
    if (!ev.target.matches(".attach-input")) return;
    uploadAll(ev.target.closest("[data-attach]"), ev.target.files);
    ev.target.value = ""; // uploaded already: not sent again with the form
  });

  document.addEventListener("click", (ev) => {
    const button = ev.target.closest("[data-attach-remove]");
    if (!button) return;
    const chip = button.closest(".attach-chip"), zone = button.closest("[data-attach]");
    const id = chip.dataset.attachment, form = zone.closest("form");
    chip.remove();
    busy(form);
    if (id) {
      // Not attached yet: taken back now (an attached one is only removed when the form is saved).
      fetch(zone.dataset.uploadUrl + id + "/discard/", { method: "POST", headers: { "X-CSRFToken": csrf(form) } });
    }
    zone.querySelector(".attach-button")?.focus();
  });

  function zoneOf(target) {
    const form = target.closest && target.closest("form");
    return form ? form.querySelector("[data-attach]") : null;
  }

  document.addEventListener("dragover", (ev) => {
    const zone = zoneOf(ev.target);
    if (!zone || !ev.dataTransfer.types.includes("Files")) return;
    ev.preventDefault();
    zone.closest("form").classList.add("attach-dragging");
  });
  document.addEventListener("dragleave", (ev) => {
    const form = ev.target.closest && ev.target.closest("form.attach-dragging");
    if (form && !form.contains(ev.relatedTarget)) form.classList.remove("attach-dragging");
  });
  document.addEventListener("drop", (ev) => {
    const zone = zoneOf(ev.target);
    if (!zone || !ev.dataTransfer.files.length) return;
    ev.preventDefault();
    zone.closest("form").classList.remove("attach-dragging");
    uploadAll(zone, ev.dataTransfer.files);
  });
  document.addEventListener("paste", (ev) => {
    const zone = zoneOf(ev.target);
    const files = ev.clipboardData ? ev.clipboardData.files : [];
    if (!zone || !files.length) return;
    ev.preventDefault(); // a pasted screenshot is a file, not text
    uploadAll(zone, files);
  });
})();
