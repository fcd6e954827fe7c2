// StreamSim's fake player. Content time advances at the chosen speed; playback events go to a
// queue in localStorage (it survives a reload) and are sent in batches with retries, backoff and
// Retry-After; on leaving the page the queue is flushed with fetch(..., {keepalive: true}).
// Every event has a UUID, so a resend is stored once. No inline scripts: data comes from data-.
(function () {
  "use strict";

  var root = document.querySelector("[data-player]");
  if (!root) return;
  var d = root.dataset;
  var cfg = {
    titleId: Number(d.titleId), episodeId: d.episodeId ? Number(d.episodeId) : null,
    runtime: Number(d.runtime), introEnd: Number(d.introEnd || 0), credits: Number(d.credits),
    eventsUrl: d.eventsUrl, nextUrl: d.nextUrl || "", profileId: d.profileId
  };
  // The server's batch limit (core.playback.MAX_BATCH), from the page.
  var HEARTBEAT_S = 10, IDLE_MS = 3000, MAX_BATCH = Number(d.maxBatch), KEEPALIVE_BATCH = 150;
  var COUNTDOWN_S = 10, STILL_WATCHING_AFTER = 3;
  var QUEUE_KEY = "streamsim.playback.queue." + cfg.profileId;
  var CHAIN_KEY = "streamsim.autoplay.chain";
  var $ = function (sel) { return root.querySelector(sel); };
  var $$ = function (sel) { return Array.prototype.slice.call(root.querySelectorAll(sel)); };

  var csrf = "";
  try { csrf = JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"]; } catch (e) { /* none */ }

  // -- the event queue -----------------------------------------------------------------------
  function loadQueue() {
    try { return JSON.parse(localStorage.getItem(QUEUE_KEY)) || []; } catch (e) { return []; }
  }
  function saveQueue() {
    try { localStorage.setItem(QUEUE_KEY, JSON.stringify(queue)); } catch (e) { /* full or off */ }
  }
  var queue = loadQueue();
  var sending = false, failures = 0, timer = null, timerAt = 0, backoffUntil = 0;
  var status = $("[data-status]");

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function emit(type) {
    var ev = {
      event_id: uuid(), type: type, title_id: cfg.titleId,
      position_s: Math.round(Math.min(Math.max(state.position, 0), cfg.runtime) * 1000) / 1000,
      speed: state.speed, client_time: new Date().toISOString()
    };
    if (cfg.episodeId) ev.episode_id = cfg.episodeId;
    queue.push(ev);
    saveQueue();
    scheduleFlush(type === "heartbeat" ? 1000 : 0);
  }

  function scheduleFlush(delay) {
    var at = Math.max(Date.now() + delay, backoffUntil);
    if (timer && timerAt <= at) return;
    clearTimeout(timer);
    timerAt = at;
    timer = setTimeout(function () { timer = null; flush(); }, Math.max(0, at - Date.now()));
  }

  function forget(batch) {
    var sent = {};
    batch.forEach(function (e) { sent[e.event_id] = true; });
    queue = queue.filter(function (e) { return !sent[e.event_id]; });
    saveQueue();
  }

  function showStuck(stuck) { if (status) status.hidden = !stuck; }

  function retryLater(seconds) {
    failures += 1;
    var wait = seconds != null ? seconds * 1000
      : Math.min(30000, 1000 * Math.pow(2, failures - 1)) * (0.75 + Math.random() * 0.5);
    backoffUntil = Date.now() + wait;
    showStuck(queue.length > 0);
    scheduleFlush(0);
  }

  function flush() {
    if (sending || !queue.length) return;
    var batch = queue.slice(0, MAX_BATCH);
    sending = true;
    fetch(cfg.eventsUrl, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ events: batch })
    }).then(function (r) {
      sending = false;
      if (r.ok) {
        forget(batch);
        failures = 0; backoffUntil = 0;
        showStuck(false);
        if (queue.length) scheduleFlush(0);
        return;
      }
      if (r.status === 422) {
        // One bad event (a clock far off, say) must not block the rest: drop it, keep going.
        return r.json().then(function (body) {
          var bad = typeof body.index === "number" ? [batch[body.index]] : batch;
          forget(bad.filter(Boolean));
          scheduleFlush(0);
        }, function () { retryLater(null); });
      }
      var after = Number(r.headers.get("Retry-After"));
      retryLater((r.status === 429 || r.status === 503) && after > 0 ? after : null);
    }, function () {
      sending = false;
      retryLater(null);
    });
  }

  // On leaving (or hiding) the page: hand what is queued to the browser with keepalive. The
  // events stay queued until a 2xx is seen, so a lost answer only means a (deduplicated) resend.
  function flushKeepalive() {
    if (!queue.length) return;
    var batch = queue.slice(0, KEEPALIVE_BATCH);
    try {
      fetch(cfg.eventsUrl, {
        method: "POST", credentials: "same-origin", keepalive: true,
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
        body: JSON.stringify({ events: batch })
      }).then(function (r) { if (r.ok) forget(batch); }, function () { /* kept for later */ });
    } catch (e) { /* kept for later */ }
  }

  window.addEventListener("online", function () { backoffUntil = 0; failures = 0; scheduleFlush(0); });

  // -- playback ------------------------------------------------------------------------------
  var state = {
    position: Number(d.position) || 0, playing: false, speed: 1, started: false,
    volume: 0.8, muted: false, beat: 0, ended: false, creditsShown: false, nextCancelled: false
  };
  var lastTick = Date.now();
  var scrubber = $("[data-scrubber]"), timeLabel = $("[data-time]");
  var speedSelect = $("[data-speed]"), volumeRange = $("[data-volume]");
  var nextPanel = $("[data-next-panel]"), endPanel = $("[data-end-panel]");
  var stillPanel = $("[data-still-watching]"), introButton = $("[data-action='skip-intro']");
  var scrubbing = false, countdown = null;

  function fmt(s) {
    s = Math.max(0, Math.floor(s));
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
    var mm = h ? String(m).padStart(2, "0") : String(m);
    return (h ? h + ":" : "") + mm + ":" + String(sec).padStart(2, "0");
  }

  function render() {
    var shown = scrubbing ? Number(scrubber.value) : state.position;
    if (!scrubbing) scrubber.value = String(Math.floor(state.position));
    scrubber.style.setProperty("--progress", (100 * shown / cfg.runtime).toFixed(3) + "%");
    scrubber.setAttribute("aria-valuetext", fmt(shown) + " of " + fmt(cfg.runtime));
    timeLabel.textContent = fmt(shown) + " / " + fmt(cfg.runtime);
    root.classList.toggle("is-playing", state.playing);
    root.classList.toggle("is-paused", !state.playing);
    $$("[data-action='toggle']").forEach(function (b) { b.setAttribute("aria-label", state.playing ? "Pause" : "Play"); });
    if (introButton) introButton.hidden = !(state.position < cfg.introEnd && state.position >= 1);
    root.classList.toggle("has-panel", !(nextPanel ? nextPanel.hidden : true) || !endPanel.hidden || !stillPanel.hidden);
  }

  function tick() {
    var now = Date.now(), dt = (now - lastTick) / 1000;
    lastTick = now;
    if (state.playing) {
      var step = Math.min(dt * state.speed, cfg.runtime - state.position);
      state.position += step;
      state.beat += step;
      if (state.beat >= HEARTBEAT_S) { state.beat = 0; emit("heartbeat"); }
      if (cfg.episodeId && cfg.nextUrl && !state.creditsShown && state.position >= cfg.credits) {
        state.creditsShown = true;
        showNext();
      }
      if (state.position >= cfg.runtime) end();
    }
    render();
  }

  function play() {
    if (state.ended) { reopen(); state.position = 0; }
    if (state.playing) return;
    lastTick = Date.now();
    state.playing = true;
    if (!state.started) { state.started = true; emit("start"); }
    wake();
    render();
  }

  function pause(send) {
    if (!state.playing) return;
    tick();
    state.playing = false;
    if (send !== false) emit("pause");
    wake();
    render();
  }

  // Playing again after the end is a rewatch: it starts with a new start event.
  function reopen() {
    state.ended = false;
    state.started = false;
    endPanel.hidden = true;
  }

  function toggle() { if (state.playing) pause(); else play(); }

  function seekTo(target) {
    tick();
    target = Math.min(Math.max(0, target), cfg.runtime);
    if (Math.abs(target - state.position) < 0.5) return;
    if (state.playing && state.beat > 0) emit("heartbeat");  // credit what was watched so far
    state.position = target;
    state.beat = 0;
    if (state.ended && target < cfg.runtime) reopen();
    if (target < cfg.credits) { state.creditsShown = false; hideNext(); }
    emit("seek");
    render();
  }

  function setSpeed(speed) {
    tick();
    if (state.playing && state.beat > 0) { emit("heartbeat"); state.beat = 0; }  // at the old speed
    state.speed = speed;
    speedSelect.value = String(speed);
  }

  function end() {
    state.position = cfg.runtime;
    state.playing = false;
    state.ended = true;
    emit("complete");
    if (cfg.nextUrl) { if (nextPanel.hidden) showNext(); } else { endPanel.hidden = false; }
    root.classList.remove("is-idle");
    render();
  }

  // -- series: next episode, autoplay countdown, "Are you still watching?" -------------------
  function autoplayOn() {
    var form = document.querySelector("[data-autoplay-form]");
    return form ? form.dataset.autoplay === "true" : false;
  }

  function showNext() {
    if (!nextPanel || state.nextCancelled) return;
    nextPanel.hidden = false;
    var line = nextPanel.querySelector("[data-countdown-line]");
    clearInterval(countdown);
    if (!autoplayOn()) { line.hidden = true; return; }
    line.hidden = false;
    var left = COUNTDOWN_S, label = nextPanel.querySelector("[data-countdown]");
    label.textContent = String(left);
    countdown = setInterval(function () {
      left -= 1;
      label.textContent = String(Math.max(left, 0));
      if (!autoplayOn()) { clearInterval(countdown); line.hidden = true; }
      else if (left <= 0) { clearInterval(countdown); goNext(true); }
    }, 1000);
  }

  function hideNext() { clearInterval(countdown); if (nextPanel) nextPanel.hidden = true; }

  function goNext(automatic) {
    try {
      var chain = automatic ? Number(sessionStorage.getItem(CHAIN_KEY) || 0) + 1 : 0;
      sessionStorage.setItem(CHAIN_KEY, String(chain));
    } catch (e) { /* private mode */ }
    leave();
    window.location.assign(cfg.nextUrl);
  }

  function interacted() { try { sessionStorage.setItem(CHAIN_KEY, "0"); } catch (e) { /* */ } }

  // -- volume and full screen (the fake video is silent, but the controls behave) ------------
  function setVolume(v, muted) {
    state.volume = Math.min(1, Math.max(0, v));
    state.muted = muted || state.volume === 0;
    volumeRange.value = String(Math.round(state.volume * 100));
    var mute = $("[data-action='mute']");
    mute.setAttribute("aria-pressed", state.muted ? "true" : "false");
    mute.setAttribute("aria-label", state.muted ? "Unmute" : "Mute");
    try { localStorage.setItem("streamsim.volume", JSON.stringify([state.volume, state.muted])); } catch (e) { /* */ }
  }

  function toggleFullscreen() {
    if (document.fullscreenElement) document.exitFullscreen();
    else if (root.requestFullscreen) root.requestFullscreen().catch(function () { /* refused */ });
  }

  document.addEventListener("fullscreenchange", function () {
    var b = $("[data-action='fullscreen']"), on = !!document.fullscreenElement;
    b.setAttribute("aria-pressed", on ? "true" : "false");
    b.setAttribute("aria-label", on ? "Exit full screen" : "Full screen");
  });

  // -- controls hide after 3 s idle ----------------------------------------------------------
  var idleTimer = null;
  function wake() {
    root.classList.remove("is-idle");
    clearTimeout(idleTimer);
    idleTimer = setTimeout(function () { if (state.playing) root.classList.add("is-idle"); }, IDLE_MS);
  }
  ["mousemove", "pointerdown", "touchstart"].forEach(function (type) {
    root.addEventListener(type, wake, { passive: true });
  });

  // -- input ---------------------------------------------------------------------------------
  root.addEventListener("click", function (event) {
    var el = event.target.closest("[data-action]");
    interacted();
    if (!el) {
      if (event.target.closest(".player__stage")) toggle();
      return;
    }
    var action = el.dataset.action;
    if (action === "toggle") toggle();
    else if (action === "back10") seekTo(state.position - 10);
    else if (action === "fwd10") seekTo(state.position + 10);
    else if (action === "skip-intro") seekTo(cfg.introEnd);
    else if (action === "mute") setVolume(state.volume || 0.5, !state.muted);
    else if (action === "fullscreen") toggleFullscreen();
    else if (action === "cancel-next") { state.nextCancelled = true; hideNext(); if (state.ended) endPanel.hidden = false; }
    else if (action === "still-yes") { stillPanel.hidden = true; play(); }
    render();
  });

  var nextLink = $("[data-next]"), playNext = $("[data-play-next]");
  [nextLink, playNext].forEach(function (a) {
    if (a) a.addEventListener("click", function (event) { event.preventDefault(); goNext(false); });
  });

  scrubber.addEventListener("input", function () { scrubbing = true; render(); });
  scrubber.addEventListener("change", function () { scrubbing = false; seekTo(Number(scrubber.value)); });
  speedSelect.addEventListener("change", function () { setSpeed(Number(speedSelect.value)); });
  volumeRange.addEventListener("input", function () { setVolume(Number(volumeRange.value) / 100, false); });

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var tag = event.target.tagName, onControl = tag === "BUTTON" || tag === "A" || tag === "SELECT";
    interacted();
    wake();
    var key = event.key;
    if (key === " " || key === "k") { if (key === " " && onControl) return; event.preventDefault(); toggle(); }
    else if (key === "ArrowLeft") { event.preventDefault(); seekTo(state.position - 10); }
    else if (key === "ArrowRight") { event.preventDefault(); seekTo(state.position + 10); }
    else if (key === "ArrowUp" && tag !== "SELECT") { event.preventDefault(); setVolume(state.volume + 0.1, false); }
    else if (key === "ArrowDown" && tag !== "SELECT") { event.preventDefault(); setVolume(state.volume - 0.1, false); }
    else if (key === "f" || key === "F") toggleFullscreen();
    else if (key === "m" || key === "M") setVolume(state.volume || 0.5, !state.muted);
    else if (key === "Escape" && !document.fullscreenElement) { hideNext(); }
    render();
  });

  // Leaving: a stop event, then everything queued goes out with keepalive.
  var left = false;
  function leave() {
    if (left) return;
    left = true;
    if (state.started && !state.ended) { tick(); emit("stop"); }
    clearTimeout(timer); timer = null;
    flushKeepalive();
  }
  window.addEventListener("pagehide", leave);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") {
      if (state.playing && state.beat > 0) { tick(); emit("heartbeat"); state.beat = 0; }
      flushKeepalive();
    }
  });
  window.addEventListener("pageshow", function (event) { if (event.persisted) { left = false; } });

  // -- start ---------------------------------------------------------------------------------
  try {
    var saved = JSON.parse(localStorage.getItem("streamsim.volume"));
    if (saved) setVolume(saved[0], saved[1]);
  } catch (e) { /* defaults */ }
  var chain = 0;
  try { chain = Number(sessionStorage.getItem(CHAIN_KEY) || 0); } catch (e) { /* */ }
  render();
  if (queue.length) scheduleFlush(0);  // events left over from an earlier page
  setInterval(tick, 200);
  if (chain >= STILL_WATCHING_AFTER) {
    stillPanel.hidden = false;
    interacted();
    render();
  } else {
    play();
  }
  root.focus({ preventScroll: true });
})();
