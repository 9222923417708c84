// The observer's page. Plain JavaScript, no build step, nothing loaded from elsewhere.
//
// Text typed by anyone is data: every piece of it reaches the page through
// textContent, never innerHTML. Notes are kept on the device (localStorage)
// until the server says they are saved, so a dropped connection loses nothing;
// each note carries an id made here, so a note sent twice is stored once.
"use strict";
(function () {
  const OUTBOX_KEY = "lessonstudy-outbox";
  const DRAFT_KEY = "lessonstudy-draft";
  const JUDGEMENTS = {
    "=": ["as predicted", "mark-as"],
    "+": ["better than predicted", "mark-better"],
    "-": ["less than predicted", "mark-less"],
    "?": ["unexpected", "mark-unexpected"],
  };

  const $ = (id) => document.getElementById(id);
  const state = {
    welcome: null, // who we are, which lesson
    plan: null, // stages, predictions, pupils
    clock: null, // the shared stage
    notes: new Map(), // id -> note as the server has it
    outbox: loadOutbox(), // notes and corrections not yet confirmed as saved
    ws: null,
    connected: false,
    everConnected: false,
    lastHeard: 0,
    offsetMs: 0, // server clock minus this device's clock
    retryMs: 500,
    tab: "yours",
    allPredictions: false, // on a phone: every pupil's prediction, not only yours
    draft: { about: null, judgement: null, critical: false, startedAt: null, editing: null, stage: "" },
    elements: new Map(), // note id -> its <li>, reused between renders
    renderQueued: false,
    newsTimer: null,
  };

  // ------------------------------------------------------------------ small helpers

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function newId() {
    // crypto.randomUUID needs https; getRandomValues works on the school network's http too.
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  function serverNow() {
    return Date.now() + state.offsetMs;
  }

  function hhmm(iso) {
    const d = new Date(iso);
    return d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  }

  function minSec(ms) {
    const total = Math.max(0, Math.floor(ms / 1000));
    return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, "0")}`;
  }

  function pupilWords(label) {
    if (label === "class") return "class";
    const pupil = (state.plan ? state.plan.pupils : []).find((p) => p.label === label);
    return pupil && pupil.pseudonym ? `${label} ${pupil.pseudonym}` : label;
  }

  function isMember() {
    return state.welcome && state.welcome.role === "member";
  }

  function myName() {
    return state.welcome ? state.welcome.name : null;
  }

  // ------------------------------------------------------------------ the outbox (on this device)

  function loadOutbox() {
    try {
      const items = JSON.parse(localStorage.getItem(OUTBOX_KEY) || "[]");
      return Array.isArray(items) ? items : [];
    } catch (error) {
      return [];
    }
  }

  function saveOutbox() {
    try {
      localStorage.setItem(OUTBOX_KEY, JSON.stringify(state.outbox));
    } catch (error) {
      showProblem("This device cannot keep notes (its storage is full or off). Keep the connection.");
    }
  }

  function mine(item) {
    // Items for this study, lesson and name; others wait for their own page.
    const w = state.welcome;
    return w && item.study === w.study && item.lesson === w.lesson && item.name === w.name;
  }

  function pending() {
    return state.outbox.filter((item) => mine(item) && !item.refused);
  }

  function lastSent(kind, text) {
    const p = $("last-sent");
    p.className = kind;
    p.textContent = text;
  }

  function clockTime() {
    return new Date().toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
  }

  function sendItem(item) {
    if (!state.connected || item.refused) return;
    const message = Object.assign({}, item.message);
    if (item.kind === "note") message.age_ms = Math.max(0, Date.now() - item.startedAt);
    try {
      state.ws.send(JSON.stringify(message));
      item.sent = true;
    } catch (error) {
      // The connection went: it is sent again when it returns.
    }
  }

  function flushOutbox() {
    for (const item of pending()) sendItem(item);
    saveOutbox();
  }

  function confirmed(id, revision) {
    const item = state.outbox.find((i) => i.id === id && !i.refused && mine(i));
    if (item && item.kind === "edit") {
      // A correction carries the text; a deletion or bringing back does not.
      let what = `Correction saved ✓ ${clockTime()}`;
      if (item.message.text === undefined) {
        what = item.message.deleted
          ? `Deleted ✓ ${clockTime()}: “Bring back” below undoes it`
          : `Brought back ✓ ${clockTime()}`;
      }
      lastSent("ok", what);
    }
    if (item && item.kind === "note") lastSent("ok", `Saved ✓ ${clockTime()}: ${pupilWords(item.message.about)}, “${item.message.text.slice(0, 40)}${item.message.text.length > 40 ? "…" : ""}”`);
    const before = state.outbox.length;
    // The first item for this id is the one confirmed (a note, then its corrections).
    const index = state.outbox.findIndex((item) => item.id === id && !item.refused && mine(item));
    if (index >= 0) state.outbox.splice(index, 1);
    if (state.outbox.length !== before) saveOutbox();
    const note = state.notes.get(id);
    if (note && revision) note.revision = revision;
  }

  function refused(id, why) {
    const item = state.outbox.find((i) => i.id === id && !i.refused && mine(i));
    if (item) {
      item.refused = why;
      saveOutbox();
    }
    showProblem(`Not saved: ${why}.`);
  }

  // ------------------------------------------------------------------ the connection

  function connect() {
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    let ws;
    try {
      ws = new WebSocket(`${scheme}${location.host}/live`);
    } catch (error) {
      retry();
      return;
    }
    state.ws = ws;
    let opened = false;
    // A network that has gone quiet may never answer the handshake: give up and retry.
    const tick = state.welcome ? state.welcome.tick_ms : 5000;
    const giveUp = setTimeout(() => {
      if (opened || state.ws !== ws) return;
      state.ws = null;
      ws.close();
      retry();
    }, Math.max(3000, 2 * tick));
    ws.onopen = () => {
      clearTimeout(giveUp);
      opened = true;
      state.connected = true;
      state.everConnected = true;
      state.lastHeard = Date.now();
      state.retryMs = 500;
      renderConnection();
    };
    ws.onmessage = (event) => {
      state.lastHeard = Date.now();
      let message;
      try {
        message = JSON.parse(event.data);
      } catch (error) {
        return;
      }
      receive(message);
    };
    ws.onclose = () => {
      clearTimeout(giveUp);
      if (state.ws !== ws) return;
      state.connected = false;
      state.ws = null;
      renderConnection();
      if (!opened) checkPass();
      retry();
    };
  }

  function retry() {
    const wait = state.retryMs + Math.random() * 300;
    state.retryMs = Math.min(state.retryMs * 2, 8000);
    setTimeout(connect, wait);
  }

  async function checkPass() {
    // A refused connection may mean this device's pass ended (a new code after a
    // restart): then the page asks for the code again. Notes wait on the device.
    try {
      const response = await fetch("/page.css", { method: "HEAD", cache: "no-store" });
      if (response.status === 401) location.reload();
    } catch (error) {
      // No network at all: keep trying.
    }
  }

  // A connection can die without closing (Wi-Fi gone quiet). The server speaks
  // every few seconds; when it has been silent too long, start again.
  setInterval(() => {
    const tick = state.welcome ? state.welcome.tick_ms : 5000;
    if (state.connected && Date.now() - state.lastHeard > tick * 2.5 && state.ws) {
      const dead = state.ws;
      state.ws = null;
      state.connected = false;
      try {
        dead.close();
      } catch (error) {
        // already closed
      }
      renderConnection();
      retry();
    }
    renderTimer();
  }, 1000);

  function receive(message) {
    if (message.server_now) state.offsetMs = Date.parse(message.server_now) - Date.now();
    switch (message.t) {
      case "welcome":
        state.welcome = message;
        state.notes.clear();
        showView();
        if (message.name) flushOutbox();
        break;
      case "plan":
        state.plan = message;
        renderPlan();
        break;
      case "clock":
        clockChanged(message);
        break;
      case "notes":
        if (message.reset) state.notes.clear();
        for (const note of message.notes) state.notes.set(note.id, note);
        queueRender();
        break;
      case "saved":
        confirmed(message.id, message.revision);
        queueRender();
        break;
      case "not_saved":
        if (message.retry) showProblem(`Not saved yet: ${message.why}. It stays on this device and is sent again.`);
        else refused(message.id, message.why);
        queueRender();
        break;
      case "error":
        showProblem(message.message);
        break;
      default:
        break; // "tick", "pong": being heard is enough
    }
    renderConnection();
  }

  // ------------------------------------------------------------------ views

  function showView() {
    const w = state.welcome;
    $("loading").hidden = true;
    $("lesson-title").textContent = w.title;
    $("who").textContent = w.name ? `${w.name}${w.role === "visitor" ? " (visitor)" : ""}` : "";
    $("change-who").hidden = !w.name;
    $("choose").hidden = Boolean(w.name);
    $("observe").hidden = !w.name;
    $("tab-everyone").hidden = w.role !== "member";
    if (w.role !== "member") state.tab = "yours";
    if (!w.name) renderChoose();
    else restoreDraft();
  }

  function renderChoose() {
    const w = state.welcome;
    $("choose-member").hidden = w.role !== "member";
    $("choose-visitor").hidden = w.role !== "visitor";
    if (w.role === "member") {
      const box = $("member-names");
      box.replaceChildren();
      for (const name of w.choices || []) {
        const button = el("button", "", name);
        button.type = "button";
        button.addEventListener("click", () => join(name, []));
        box.append(button);
      }
    } else {
      const box = $("follow-pupils");
      box.replaceChildren();
      for (const pupil of w.pupils || []) {
        box.append(pupilButton(pupil.label, pupil.pseudonym, (button) => {
          button.setAttribute("aria-pressed", String(button.getAttribute("aria-pressed") !== "true"));
        }));
      }
      $("visitor-name").focus();
    }
  }

  function pupilButton(label, pseudonym, onClick) {
    const button = el("button");
    button.type = "button";
    button.dataset.label = label;
    button.setAttribute("aria-pressed", "false");
    button.append(el("b", "", label === "class" ? "Class" : label));
    if (pseudonym) button.append(el("span", "", pseudonym));
    button.addEventListener("click", () => onClick(button));
    return button;
  }

  async function join(name, follows) {
    $("choose-problem").hidden = true;
    let response;
    try {
      response = await fetch("/join", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ name, follows }),
      });
    } catch (error) {
      chooseProblem("No connection to the server. Try again in a moment.");
      return;
    }
    if (response.status === 401) {
      location.reload();
      return;
    }
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      chooseProblem(body.error || "That did not work. Try again.");
      return;
    }
    reconnect();
  }

  function sentence(text) {
    return text ? text.charAt(0).toUpperCase() + text.slice(1) : text;
  }

  function chooseProblem(text) {
    const p = $("choose-problem");
    p.textContent = sentence(text);
    p.hidden = false;
  }

  function reconnect() {
    if (state.ws) {
      const old = state.ws;
      state.ws = null;
      state.connected = false;
      old.close();
    }
    state.welcome = null;
    connect();
  }

  $("choose-visitor").addEventListener("submit", (event) => {
    event.preventDefault();
    const follows = Array.from($("follow-pupils").querySelectorAll("button[aria-pressed=true]"))
      .map((b) => b.dataset.label);
    join($("visitor-name").value, follows);
  });

  $("change-who").addEventListener("click", async () => {
    if (pending().length && !confirm("Notes are still waiting to be sent. They are sent when you come back as the same person. Change anyway?")) return;
    try {
      await fetch("/leave", { method: "POST" });
    } catch (error) {
      showProblem("No connection: try again when it is back.");
      return;
    }
    reconnect();
  });

  function renderConnection() {
    const c = $("connection");
    const waiting = pending().length;
    if (state.connected) {
      c.textContent = waiting ? `Live · sending ${waiting}` : "Live";
      c.className = "live";
    } else {
      c.textContent = state.everConnected ? "No connection" : "Connecting…";
      c.className = state.everConnected ? "down" : "";
    }
    const banner = $("offline");
    if (!state.connected && state.everConnected) {
      const notes = waiting === 1 ? "1 note is" : `${waiting} notes are`;
      banner.textContent = waiting
        ? `Offline: ${notes} kept on this device, sent when the connection returns.`
        : "Offline: keep writing. Notes stay on this device until the connection returns.";
      banner.hidden = false;
    } else {
      banner.hidden = true;
    }
    const stageButtons = [$("stage-back"), $("stage-next")];
    for (const b of stageButtons) b.disabled = !state.connected;
  }

  // ------------------------------------------------------------------ the stage and predictions

  function stages() {
    return state.plan ? state.plan.stages : [];
  }

  function runningIndex() {
    if (!state.clock || !state.clock.stage) return -1;
    return stages().findIndex((s) => s.id === state.clock.stage);
  }

  function clockChanged(clock) {
    const before = state.clock;
    const beforeIndex = runningIndex();
    state.clock = clock;
    if (before && before.since !== clock.since) {
      const index = runningIndex();
      const who = clock.by && clock.by !== myName() ? clock.by : null;
      let news = null;
      if (clock.ended) news = who ? `${who} ended the lesson.` : "The lesson has ended.";
      else if (index >= 0) {
        const verb = index < beforeIndex ? "went back to" : "started";
        news = who ? `${who} ${verb} stage ${index + 1}.` : `Stage ${index + 1} has started.`;
        if (index < beforeIndex && !who) news = `Back to stage ${index + 1}.`;
      }
      const p = $("stage-news");
      p.textContent = news || "";
      p.hidden = !news;
      clearTimeout(state.newsTimer);
      state.newsTimer = setTimeout(() => { p.hidden = true; }, 15000);
    }
    renderPlan();
  }

  function renderPlan() {
    if (!state.plan) return;
    const list = stages();
    const index = runningIndex();
    const clock = state.clock || {};
    const title = $("stage-title");
    if (!list.length) title.textContent = "No stages planned for this lesson";
    else if (clock.ended) title.textContent = `Lesson ended at ${hhmm(clock.since)}`;
    else if (index >= 0) {
      const stage = list[index];
      title.textContent = `Stage ${index + 1} of ${list.length}: ${stage.title || "(untitled)"}`;
    } else if (clock.started) title.textContent = "A stage no longer in the plan";
    else title.textContent = isMember() ? "Not started yet" : "Waiting for the lesson to start";
    renderTimer();

    // Members move the shared clock; visitors follow it.
    const buttons = $("stage-buttons");
    buttons.hidden = !isMember() || !list.length;
    const back = $("stage-back");
    const next = $("stage-next");
    back.hidden = !(clock.ended || index > 0);
    back.textContent = clock.ended ? "◀ Back to the last stage" : "◀ Back";
    next.hidden = Boolean(clock.ended);
    if (index < 0) next.textContent = `Start stage 1 ▶`;
    else if (index + 1 < list.length) next.textContent = `Next: stage ${index + 2} ▶`;
    else next.textContent = "End the lesson ■";

    // The predictions of the running stage (or the first, before the start).
    const shown = index >= 0 ? list[index] : clock.ended ? null : list[0];
    const box = $("predictions");
    box.replaceChildren();
    $("predictions-title").textContent = shown
      ? `Predictions, stage ${list.indexOf(shown) + 1}${shown.title ? ": " + shown.title : ""}`
      : "Predictions";
    $("predictions-box").hidden = !shown;
    if (shown) {
      const yours = state.plan.yours || [];
      const pupils = [...state.plan.pupils].sort(
        (a, b) => Number(yours.includes(b.label)) - Number(yours.includes(a.label)));
      // On a phone the note must stay close: your pupils' predictions (and the one
      // picked to judge against) first; the others when asked for.
      const narrow = window.matchMedia("(max-width: 40rem)").matches;
      const wanted = (p) => yours.includes(p.label) || p.label === state.draft.about;
      const short = narrow && !state.allPredictions && yours.length > 0;
      const hidden = short ? pupils.filter((p) => !wanted(p)) : [];
      for (const pupil of pupils) {
        if (hidden.includes(pupil)) continue;
        const item = el("li", yours.includes(pupil.label) ? "yours" : "");
        if (state.draft.about === pupil.label) item.classList.add("picked");
        const suffix = yours.includes(pupil.label) ? " (yours)" : "";
        item.append(el("span", "who", `${pupilWords(pupil.label)}${suffix}: `));
        const text = shown.predictions[pupil.label];
        item.append(text ? el("span", "", text) : el("span", "none", "no prediction"));
        box.append(item);
      }
      const more = $("predictions-more");
      more.hidden = !hidden.length;
      more.textContent = `The other pupils' predictions (${hidden.map((p) => p.label).join(", ")})`;
    }
    renderAbout();
    queueRender();
  }

  function stageAt(localMs) {
    // The stage a waiting note will get: the running one, if it began before the note.
    const clock = state.clock;
    const index = runningIndex();
    if (!clock || index < 0 || !clock.since) return null;
    return localMs + state.offsetMs >= Date.parse(clock.since) ? index + 1 : null;
  }

  function renderTimer() {
    const timer = $("stage-timer");
    const clock = state.clock;
    const index = runningIndex();
    if (!clock || clock.ended || index < 0 || !clock.since) {
      timer.textContent = "";
      return;
    }
    const stage = stages()[index];
    const elapsed = serverNow() - Date.parse(clock.since);
    timer.textContent = stage.minutes != null ? `${minSec(elapsed)} of ${stage.minutes} min` : minSec(elapsed);
    timer.classList.toggle("over", stage.minutes != null && elapsed > stage.minutes * 60000);
  }

  function moveStage(to) {
    if (!state.connected) return;
    const clock = state.clock || {};
    const message = { t: "stage", id: newId(), to, after: clock.mark || null };
    state.ws.send(JSON.stringify(message));
  }

  $("predictions-more").addEventListener("click", () => {
    state.allPredictions = true;
    renderPlan();
  });

  $("stage-next").addEventListener("click", () => {
    const list = stages();
    const index = runningIndex();
    if (index + 1 < list.length) moveStage(list[index + 1].id);
    else if (confirm("End the lesson for everyone?")) moveStage("end");
  });
  $("stage-back").addEventListener("click", () => {
    const list = stages();
    const clock = state.clock || {};
    if (clock.ended) moveStage(list[list.length - 1].id);
    else if (runningIndex() > 0) moveStage(list[runningIndex() - 1].id);
  });

  // ------------------------------------------------------------------ the note being written

  function renderAbout() {
    const box = $("about");
    const pupils = state.plan ? state.plan.pupils : [];
    const wanted = [...pupils.map((p) => p.label), "class"].join("|");
    if (box.dataset.labels !== wanted) {
      box.replaceChildren();
      for (const pupil of pupils) box.append(pupilButton(pupil.label, pupil.pseudonym, pickAbout));
      box.append(pupilButton("class", "or other pupils", pickAbout));
      box.dataset.labels = wanted;
    }
    const draft = state.draft;
    for (const button of box.querySelectorAll("button")) {
      button.setAttribute("aria-pressed", String(button.dataset.label === draft.about));
    }
    for (const button of $("judgement").querySelectorAll("button")) {
      // One grammar for every note, a pupil's or the class's, as in the app.
      button.setAttribute("aria-pressed", String(button.dataset.judgement === draft.judgement));
    }
    $("critical").setAttribute("aria-pressed", String(draft.critical));
    const editing = draft.editing;
    $("editing").hidden = !editing;
    if (editing) {
      const note = state.notes.get(editing) || {};
      $("editing-what").textContent = note.at ? `Correcting your note from ${hhmm(note.at)}` : "Correcting your note";
    }
    renderEditStage(editing ? state.notes.get(editing) : null);
    $("send").textContent = editing ? "Save correction" : "Send";
  }

  function renderEditStage(note) {
    // A correction can say which stage the note belongs to, as in the app: the stage
    // running at its time (the timeline's), or one the observer chooses.
    const row = $("edit-stage-row");
    row.hidden = !note;
    if (!note) return;
    const select = $("edit-stage");
    const list = stages();
    const clock = !note.stage_chosen && note.stage ? `: stage ${note.stage}` : "";
    const options = [["", `By the lesson's clock${clock}`],
      ...list.map((stage, index) => [stage.id, `Stage ${index + 1}${stage.title ? ": " + stage.title : ""}`])];
    const wanted = options.map(([value, words]) => value + "\u0000" + words).join("\u0001");
    if (select.dataset.options !== wanted) {
      select.replaceChildren(...options.map(([value, words]) => {
        const option = document.createElement("option");
        option.value = value;
        option.textContent = words;  // typed titles are text, never markup
        return option;
      }));
      select.dataset.options = wanted;
    }
    const chosen = state.draft.stage || "";
    select.value = options.some(([value]) => value === chosen) ? chosen : "";
  }

  $("edit-stage").addEventListener("change", () => {
    state.draft.stage = $("edit-stage").value;
    saveDraft();
  });

  function started() {
    if (state.draft.startedAt === null) state.draft.startedAt = Date.now();
  }

  function pickAbout(button) {
    const label = button.dataset.label;
    const draft = state.draft;
    draft.about = draft.about === label ? null : label;
    if (draft.about) started();
    hideProblem();
    saveDraft();
    renderPlan();
  }

  for (const button of $("judgement").querySelectorAll("button")) {
    button.addEventListener("click", () => {
      const draft = state.draft;
      draft.judgement = draft.judgement === button.dataset.judgement ? null : button.dataset.judgement;
      saveDraft();
      renderAbout();
    });
  }

  $("critical").addEventListener("click", () => {
    state.draft.critical = !state.draft.critical;
    saveDraft();
    renderAbout();
  });

  $("note-text").addEventListener("input", () => {
    if ($("note-text").value.trim()) started();
    saveDraft();
  });

  $("note-text").addEventListener("keydown", (event) => {
    // Enter sends, as in the app; shift+Enter starts a new line.
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      send();
    }
  });

  $("note-form").addEventListener("submit", (event) => {
    event.preventDefault();
    send();
  });

  $("editing-cancel").addEventListener("click", () => {
    clearDraft();
  });

  function send() {
    const draft = state.draft;
    const text = $("note-text").value.trim();
    if (!draft.about) {
      showProblem("Pick who the note is about first.");
      $("about").querySelector("button")?.focus();
      return;
    }
    if (!text) {
      showProblem("Write what you saw or heard.");
      $("note-text").focus();
      return;
    }
    const w = state.welcome;
    const content = { about: draft.about, judgement: draft.judgement, critical: draft.critical, text };
    if (draft.editing) {
      // "" : the stage running at the note's time, on the lesson's one timeline.
      queueEdit(draft.editing, Object.assign(content, { stage: draft.stage || null }));
    } else {
      const id = newId();
      const item = {
        kind: "note", id, study: w.study, lesson: w.lesson, name: w.name,
        startedAt: draft.startedAt ?? Date.now(), createdAt: Date.now(), sent: false,
        message: Object.assign({ t: "note", id }, content),
      };
      state.outbox.push(item);
      saveOutbox();
      sendItem(item);
      saveOutbox();
      if (!state.connected) lastSent("kept", "Kept on this device: it is sent when the connection returns.");
      else lastSent("", "Sending…");
    }
    clearDraft();
    hideProblem();
    queueRender();
    renderConnection();
  }

  function queueEdit(id, content) {
    const w = state.welcome;
    // A note not yet sent is simply changed where it waits.
    const waiting = state.outbox.find((i) => i.kind === "note" && i.id === id && mine(i) && !i.sent);
    if (waiting) {
      Object.assign(waiting.message, content);
      waiting.refused = undefined;
      saveOutbox();
      return;
    }
    const note = state.notes.get(id);
    const base = note ? note.revision : 1;
    const message = Object.assign({ t: "edit", id, revision: base, deleted: false }, content);
    addEdit({ kind: "edit", id, study: w.study, lesson: w.lesson, name: w.name, sent: false, message });
  }

  function addEdit(item) {
    // One waiting correction per note: a newer one replaces one not sent yet.
    const older = state.outbox.findIndex((i) => i.kind === "edit" && i.id === item.id && mine(i) && !i.sent);
    if (older >= 0) {
      item.message.revision = state.outbox[older].message.revision;
      state.outbox.splice(older, 1);
    }
    state.outbox.push(item);
    saveOutbox();
    sendItem(item);
    saveOutbox();
    queueRender();
    renderConnection();
  }

  function setDeleted(id, deleted) {
    const w = state.welcome;
    const note = state.notes.get(id);
    if (!note) return;
    const message = { t: "edit", id, revision: note.revision, deleted };
    addEdit({ kind: "edit", id, study: w.study, lesson: w.lesson, name: w.name, sent: false, message });
  }

  function startCorrecting(id) {
    const note = state.notes.get(id) || waitingNote(id);
    if (!note) return;
    state.draft = {
      about: note.about, judgement: note.judgement, critical: note.critical,
      startedAt: null, editing: state.notes.has(id) ? id : null,
      stage: note.stage_chosen && note.stage_id ? note.stage_id : "",
    };
    if (!state.notes.has(id)) {
      // A note refused or still waiting: take it back into the line to send again.
      state.outbox = state.outbox.filter((i) => !(i.id === id && mine(i) && (i.refused || !i.sent)));
      saveOutbox();
    }
    $("note-text").value = note.text;
    saveDraft();
    renderPlan();
    $("note-text").focus();
    $("note-form").scrollIntoView({ block: "start", behavior: "smooth" });
  }

  function waitingNote(id) {
    const item = state.outbox.find((i) => i.kind === "note" && i.id === id && mine(i));
    return item ? item.message : null;
  }

  function clearDraft() {
    state.draft = { about: null, judgement: null, critical: false, startedAt: null, editing: null, stage: "" };
    $("note-text").value = "";
    saveDraft();
    renderPlan();
  }

  function saveDraft() {
    try {
      const d = state.draft;
      localStorage.setItem(DRAFT_KEY, JSON.stringify({
        about: d.about, judgement: d.judgement, critical: d.critical, startedAt: d.startedAt,
        editing: d.editing, stage: d.stage || "", text: $("note-text").value,
      }));
    } catch (error) {
      // Storage off: the draft lives only in the page.
    }
  }

  function restoreDraft() {
    if ($("note-text").value) return;
    try {
      const d = JSON.parse(localStorage.getItem(DRAFT_KEY) || "null");
      if (!d) return;
      state.draft = {
        about: d.about ?? null, judgement: d.judgement ?? null, critical: Boolean(d.critical),
        startedAt: d.startedAt ?? null, editing: d.editing ?? null,
        stage: typeof d.stage === "string" ? d.stage : "",
      };
      $("note-text").value = d.text || "";
    } catch (error) {
      // An unreadable draft: start clean.
    }
  }

  function showProblem(text) {
    const p = $("note-problem");
    p.textContent = sentence(text);
    p.hidden = false;
  }

  function hideProblem() {
    $("note-problem").hidden = true;
  }

  // ------------------------------------------------------------------ the notes

  for (const [tab, id] of [["yours", "tab-yours"], ["everyone", "tab-everyone"]]) {
    $(id).addEventListener("click", () => {
      state.tab = tab;
      $("tab-yours").setAttribute("aria-selected", String(tab === "yours"));
      $("tab-everyone").setAttribute("aria-selected", String(tab === "everyone"));
      queueRender();
    });
  }

  function queueRender() {
    if (state.renderQueued) return;
    state.renderQueued = true;
    requestAnimationFrame(() => {
      state.renderQueued = false;
      renderNotes();
    });
  }

  function shownNotes() {
    // What the list shows: notes as stored, then this device's waiting ones over them.
    const name = myName();
    const rows = [];
    const waiting = new Map();
    for (const item of state.outbox) {
      if (!mine(item)) continue;
      const row = waiting.get(item.id) || {};
      if (item.kind === "note") {
        Object.assign(row, item.message, {
          at: new Date(item.startedAt).toISOString(), observer: name, stage: stageAt(item.startedAt),
        });
      }
      else Object.assign(row, item.message);
      row.waiting = item.refused ? "refused" : "waiting";
      row.why = item.refused || row.why;
      waiting.set(item.id, row);
    }
    for (const note of state.notes.values()) {
      if (state.tab === "yours" && note.observer !== name) continue;
      if (state.tab === "everyone" && note.deleted && note.observer !== name) continue;
      const over = waiting.get(note.id);
      rows.push(over ? Object.assign({}, note, over, { at: note.at, stage: note.stage }) : note);
      waiting.delete(note.id);
    }
    for (const row of waiting.values()) if (row.text !== undefined) rows.push(row);
    rows.sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
    return rows;
  }

  function renderNotes() {
    const list = $("notes");
    const rows = shownNotes();
    const keep = new Set();
    let previous = null;
    for (const row of rows) {
      const key = `${row.id}`;
      keep.add(key);
      const signature = JSON.stringify([row.revision, row.text, row.about, row.judgement, row.critical,
        row.deleted, row.waiting, row.why, row.stage, row.observer === myName(), pupilWords(row.about)]);
      let item = state.elements.get(key);
      if (!item || item.dataset.signature !== signature) {
        const fresh = noteItem(row);
        fresh.dataset.signature = signature;
        if (item) item.replaceWith(fresh);
        item = fresh;
        state.elements.set(key, item);
      }
      const wantedPlace = previous ? previous.nextSibling : list.firstChild;
      if (item !== wantedPlace) list.insertBefore(item, wantedPlace);
      previous = item;
    }
    for (const [key, item] of state.elements) {
      if (!keep.has(key)) {
        item.remove();
        state.elements.delete(key);
      }
    }
    const empty = $("notes-empty");
    empty.hidden = rows.length > 0;
    empty.textContent = state.tab === "yours" ? "Your notes will be listed here." : "No notes yet.";
    $("tab-yours").textContent = `Your notes (${countMine()})`;
    $("tab-everyone").textContent = `Everyone (${countEveryone()})`;
    renderConnection();
  }

  function countMine() {
    const name = myName();
    const ids = new Set();
    for (const note of state.notes.values()) if (note.observer === name && !note.deleted) ids.add(note.id);
    for (const item of state.outbox) if (mine(item) && item.kind === "note") ids.add(item.id);
    return ids.size;
  }

  function countEveryone() {
    let n = 0;
    for (const note of state.notes.values()) if (!note.deleted) n += 1;
    return n;
  }

  function noteItem(row) {
    const own = row.observer === myName();
    const item = el("li", "note");
    if (row.deleted) item.classList.add("deleted");
    if (row.waiting) item.classList.add(row.waiting);
    item.dataset.id = row.id;
    const meta = el("div", "meta");
    meta.append(el("span", "", hhmm(row.at)));
    meta.append(el("span", "", row.stage ? `stage ${row.stage}` : "no stage"));
    meta.append(el("span", "about", pupilWords(row.about)));
    if (row.judgement && JUDGEMENTS[row.judgement]) {
      const [words, className] = JUDGEMENTS[row.judgement];
      meta.append(el("span", className, `${row.judgement === "-" ? "−" : row.judgement} ${words}`));
    }
    if (row.critical) meta.append(el("span", "mark-critical", "! critical"));
    if (!own) meta.append(el("span", "", row.observer));
    item.append(meta);
    item.append(el("p", "text", row.text));
    if (row.waiting === "waiting") {
      item.append(el("p", "state", state.connected ? "Sending…" : "Waiting: kept on this device, sent when the connection returns"));
    } else if (row.waiting === "refused") {
      item.append(el("p", "state", `Not saved: ${row.why}. Correct it and send it again.`));
    } else if (row.deleted) {
      item.append(el("p", "state", "Deleted"));
    }
    if (own) {
      const actions = el("div", "actions");
      if (row.deleted) {
        actions.append(action("Bring back", () => setDeleted(row.id, false)));
      } else {
        actions.append(action("Correct", () => startCorrecting(row.id)));
        if (state.notes.has(row.id)) {
          actions.append(action("Delete", () => {
            if (confirm("Delete this note? You can bring it back.")) setDeleted(row.id, true);
          }));
        }
      }
      item.append(actions);
    }
    return item;
  }

  function action(label, onClick) {
    const button = el("button", "", label);
    button.type = "button";
    button.addEventListener("click", onClick);
    return button;
  }

  renderConnection();
  connect();
})();
