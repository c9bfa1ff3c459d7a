// The demo's live web dashboard: frames arrive as server-sent events (/api/events, at most 5 a second), the buttons
// POST to /api/*. Plain script and canvas; nothing is loaded from anywhere but the demo.
'use strict';

const KIND_COLORS = ['#ff5d5d', '#4f9dff', '#ffb020', '#a0a8b3'];
const FADE_MS = 6000;          // a point fades out over this much running time (it stays while the clock is paused)
const MAX_ALIVE = 6000;        // points drawn at once, at most
const MAX_TRAIL = 20000;       // faint dots kept for the city's shape
const HOURS = [1, 6, 12];
const TIMELINE_HOURS = 72;
// The City of Los Angeles, roughly; widened to the data's extent when reports fall outside it.
const CITY = { minLat: 33.70, maxLat: 34.34, minLon: -118.67, maxLon: -118.15 };

const $ = id => document.getElementById(id);
const number = n => (n === null || n === undefined) ? '–' : Number(n).toLocaleString('en-US', { maximumFractionDigits: 0 });

let zoneFormat;
try {
  zoneFormat = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Los_Angeles', month: '2-digit', day: '2-digit', hour: '2-digit', hour12: false });
} catch {
  zoneFormat = null;
}

const view = {
  state: null,
  frames: 0,
  points: [],            // {lat, lon, k, age}
  trail: [],             // [lat, lon] of every point drawn, newest last (at most MAX_TRAIL)
  pointsReceived: 0,
  kinds: [0, 0, 0, 0],
  areas: [],
  history: { 1: new Map(), 6: new Map(), 12: new Map() },   // end ms -> {total, near}
  windowsKey: '',
  windowUpdates: 0,
  lastTick: performance.now(),
  bounds: { ...CITY },
  trailCanvas: document.createElement('canvas'),
  trailDrawn: 0,
};

// ---- the event stream ----

const events = new EventSource('api/events');
events.onmessage = e => onFrame(JSON.parse(e.data));
events.onerror = () => {
  if (view.state && view.state.phase === 'done') {
    events.close();
    return;
  }
  setBadge(events.readyState === EventSource.CLOSED ? 'disconnected' : 'reconnecting…', 'done');
};

function onFrame(frame) {
  view.frames++;
  document.body.dataset.frames = String(view.frames);
  const state = frame.state;
  view.state = state;
  document.body.dataset.phase = state.phase;
  if (frame.history) {
    for (const h of HOURS) view.history[h].clear();
  }
  for (const w of frame.windows || []) {
    const series = view.history[w.hours];
    if (series) series.set(w.endMs, { total: w.total, near: w.near });
  }
  for (const h of HOURS) {
    const series = view.history[h];
    if (series.size > 400) {
      const keys = [...series.keys()].sort((a, b) => a - b);
      for (const k of keys.slice(0, series.size - 400)) series.delete(k);
    }
  }
  addPoints(frame.points || []);
  if (state.map) view.usc = state.map;
  if (frame.areas) {
    view.areas = frame.areas;
    widenBounds();
  }
  renderState(state);
  drawTimeline();
  if (state.phase === 'done') {
    events.close();
  }
}

function addPoints(flat) {
  const count = flat.length / 3;
  for (let i = 0; i < count; i++) {
    const p = { lat: flat[3 * i], lon: flat[3 * i + 1], k: flat[3 * i + 2], age: -200 * i / Math.max(1, count) };
    view.points.push(p);
    view.trail.push([p.lat, p.lon]);
    view.kinds[p.k]++;
  }
  view.pointsReceived += count;
  if (view.points.length > MAX_ALIVE) view.points.splice(0, view.points.length - MAX_ALIVE);
  if (view.trail.length > MAX_TRAIL) {
    view.trail.splice(0, view.trail.length - MAX_TRAIL);
    view.trailDrawn = Math.min(view.trailDrawn, view.trail.length);
  }
  $('map').dataset.points = String(view.pointsReceived);
  for (let k = 0; k < 4; k++) $('kind-' + k).textContent = number(view.kinds[k]);
}

// ---- the page's text ----

function setBadge(text, cls) {
  const badge = $('clock-state');
  badge.textContent = text;
  badge.className = 'badge' + (cls ? ' ' + cls : '');
}

function renderState(s) {
  const phaseText = { preparing: 'preparing the replay…', replaying: '', finishing: 'replay over: the analysis completes', done: 'the run is over' };
  $('phase').textContent = phaseText[s.phase] ?? s.phase;
  const c = s.clock;
  const clock = $('clock');
  if (c) {
    $('clock-now').textContent = c.nowText;
    clock.dataset.nowMs = String(c.nowMs);
    clock.dataset.realMs = String(c.realMs);
    clock.dataset.paused = String(c.paused);
    clock.dataset.held = String(c.held);
    clock.dataset.acceleration = c.acceleration === null ? '' : String(c.acceleration);
    const speed = c.acceleration === null ? '' : number(c.acceleration) + '×';
    if (s.phase === 'done') setBadge('done', 'done');
    else if (c.virtual) setBadge('virtual time, as fast as possible', 'virtual');
    else if (c.paused) setBadge('paused (' + speed + ')', 'paused');
    else if (c.held) setBadge(speed + ', waiting for the analysis', 'held');
    else setBadge(speed, '');
  } else {
    setBadge(s.phase, 'done');
  }

  const steerable = !!(c && c.steerable) && s.phase !== 'done';
  for (const id of ['pause', 'slower', 'faster', 'speed', 'set-speed', 'fastest']) $(id).disabled = !steerable;
  $('pause').textContent = c && c.paused ? 'Resume' : 'Pause';
  if (c && c.virtual) $('control-message').textContent = 'on virtual time there is no clock to steer';
  $('hint').textContent = s.hint || '';

  const p = s.progress;
  if (p) {
    $('progress-fill').style.width = (p.total ? 100 * p.emitted / p.total : 100).toFixed(1) + '%';
    $('progress-text').textContent = number(p.emitted) + ' / ' + number(p.total) + ' reports replayed' + (p.shard ? ' (' + p.shard + ')' : '');
  }

  const k = s.kafka;
  if (k) {
    $('k-bootstrap').textContent = k.bootstrap;
    $('k-topic').textContent = k.topic;
    $('k-delivered').textContent = number(k.delivered);
    $('k-produce-rate').textContent = number(k.produceRate) + '/s';
    $('k-consumed').textContent = number(k.consumed);
    $('k-consume-rate').textContent = number(k.consumeRate) + '/s';
    $('k-lag').dataset.waits = String(k.lagWaits);
    $('k-lag').textContent = number(k.consumerLag) + (k.maxConsumerLag !== null ? ' (max per partition ' + number(k.maxConsumerLag) + ', waits ' + number(k.lagWaits) + ')' : '');
    $('k-failed').textContent = number(k.failed) + ' · ' + number(k.pending);
    $('k-lost').textContent = number(k.lost) + ' · ' + number(k.late);
  }

  if (s.map) {
    $('map-note').textContent = number(s.map.reports) + ' read back, ' + number(s.map.located) + ' located';
  }

  if (s.windows) renderWindows(s.windows);
}

function renderWindows(windows) {
  const key = JSON.stringify(windows.map(w => [w.complete && [w.complete.endMs, w.complete.total, w.complete.near], w.open && [w.open.endMs, w.open.total]]));
  if (key === view.windowsKey) return;
  view.windowsKey = key;
  view.windowUpdates++;
  $('windows').dataset.updates = String(view.windowUpdates);
  for (const w of windows) {
    const h = w.hours;
    const shown = w.complete || w.open;
    $('w' + h + '-end').textContent = w.complete ? w.complete.endText : '…';
    $('w' + h + '-total').textContent = w.complete ? number(w.complete.total) : '…';
    $('w' + h + '-near').textContent = w.complete ? number(w.complete.near) : '…';
    $('w' + h + '-open').textContent = w.open ? number(w.open.total) + ' so far, to ' + w.open.endText.slice(11) : '–';
    ranking($('w' + h + '-types'), shown ? shown.types : []);
    ranking($('w' + h + '-areas'), shown ? shown.areas : []);
  }
}

function ranking(cell, items) {
  cell.replaceChildren();
  const max = Math.max(1, ...items.map(i => i.count));
  for (const item of items) {
    const row = document.createElement('div');
    row.className = 'row';
    row.title = item.name + ': ' + item.count;
    const fill = document.createElement('div');
    fill.className = 'fill';
    fill.style.width = (100 * item.count / max).toFixed(0) + '%';
    const text = document.createElement('span');
    text.textContent = item.count + ' ' + item.name;
    row.append(fill, text);
    cell.append(row);
  }
  if (items.length === 0) cell.textContent = '–';
}

// ---- the controls ----

async function post(path) {
  const message = $('control-message');
  try {
    const response = await fetch(path, { method: 'POST' });
    const text = await response.text();
    if (!response.ok) {
      message.textContent = text.trim();
      message.className = 'message error';
      return;
    }
    const clock = JSON.parse(text);
    message.textContent = clock.paused ? 'paused' : 'speed ' + number(clock.acceleration) + '×';
    message.className = 'message';
  } catch (e) {
    message.textContent = 'the demo did not answer (' + e.message + ')';
    message.className = 'message error';
  }
}

$('pause').onclick = () => post(view.state && view.state.clock && view.state.clock.paused ? 'api/resume' : 'api/pause');
$('slower').onclick = () => post('api/slower');
$('faster').onclick = () => post('api/faster');
$('fastest').onclick = () => post('api/fastest');
$('set-speed').onclick = () => post('api/speed?value=' + encodeURIComponent($('speed').value.trim()));
$('speed').onkeydown = e => { if (e.key === 'Enter') $('set-speed').click(); };

// ---- the map ----

// The map spans the reports seen so far (the outlines of their areas) and the near-USC area, with a margin; the City
// of Los Angeles until the first report.
function widenBounds() {
  let b = null;
  const include = (lat, lon) => {
    if (!b) b = { minLat: lat, maxLat: lat, minLon: lon, maxLon: lon };
    b.minLat = Math.min(b.minLat, lat);
    b.maxLat = Math.max(b.maxLat, lat);
    b.minLon = Math.min(b.minLon, lon);
    b.maxLon = Math.max(b.maxLon, lon);
  };
  for (const a of view.areas) {
    for (let i = 0; i < a.hull.length; i += 2) include(a.hull[i], a.hull[i + 1]);
  }
  if (!b) {
    b = { ...CITY };
  } else if (view.usc) {
    include(view.usc.uscLatitude - view.usc.nearDegrees, view.usc.uscLongitude - view.usc.nearDegrees);
    include(view.usc.uscLatitude + view.usc.nearDegrees, view.usc.uscLongitude + view.usc.nearDegrees);
  }
  const margin = Math.max(0.02, 0.06 * Math.max(b.maxLat - b.minLat, b.maxLon - b.minLon));
  b = { minLat: b.minLat - margin, maxLat: b.maxLat + margin, minLon: b.minLon - margin, maxLon: b.maxLon + margin };
  if (b.minLat !== view.bounds.minLat || b.maxLat !== view.bounds.maxLat || b.minLon !== view.bounds.minLon || b.maxLon !== view.bounds.maxLon) {
    view.bounds = b;
    view.trailDrawn = 0; // the projection changed: redraw the trail
  }
}

// Equirectangular, longitude scaled by cos(latitude): distances look right at Los Angeles' latitude.
function projection(canvas) {
  const b = view.bounds;
  const kx = Math.cos((b.minLat + b.maxLat) / 2 * Math.PI / 180);
  const pad = 14 * devicePixelRatio;
  const w = canvas.width - 2 * pad;
  const h = canvas.height - 2 * pad;
  const spanX = (b.maxLon - b.minLon) * kx;
  const spanY = b.maxLat - b.minLat;
  const scale = Math.min(w / spanX, h / spanY);
  const ox = pad + (w - spanX * scale) / 2;
  const oy = pad + (h - spanY * scale) / 2;
  return {
    scale, kx,
    x: lon => ox + (lon - b.minLon) * kx * scale,
    y: lat => oy + (b.maxLat - lat) * scale,
  };
}

function fit(canvas) {
  const w = Math.round(canvas.clientWidth * devicePixelRatio);
  const h = Math.round(canvas.clientHeight * devicePixelRatio);
  if (canvas.width !== w || canvas.height !== h) {
    canvas.width = w;
    canvas.height = h;
    return true;
  }
  return false;
}

function drawMap(dt) {
  const canvas = $('map');
  if (fit(canvas)) view.trailDrawn = 0;
  const ctx = canvas.getContext('2d');
  const p = projection(canvas);
  const dpr = devicePixelRatio;

  // The trail: a faint dot for every report seen, drawn once onto a canvas of its own.
  const trail = view.trailCanvas;
  if (trail.width !== canvas.width || trail.height !== canvas.height || view.trailDrawn === 0) {
    trail.width = canvas.width;
    trail.height = canvas.height;
    view.trailDrawn = 0;
  }
  const tctx = trail.getContext('2d');
  tctx.fillStyle = 'rgba(150, 175, 205, 0.35)';
  for (let i = view.trailDrawn; i < view.trail.length; i++) {
    const [lat, lon] = view.trail[i];
    tctx.fillRect(p.x(lon) - 1.25 * dpr, p.y(lat) - 1.25 * dpr, 2.5 * dpr, 2.5 * dpr);
  }
  view.trailDrawn = view.trail.length;

  ctx.clearRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(trail, 0, 0);

  // The areas: the outline of each one's reports so far, its name at their mean.
  ctx.lineWidth = dpr;
  for (const a of view.areas) {
    if (a.hull.length >= 6) {
      ctx.beginPath();
      for (let i = 0; i < a.hull.length; i += 2) {
        const x = p.x(a.hull[i + 1]);
        const y = p.y(a.hull[i]);
        if (i === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y);
      }
      ctx.closePath();
      ctx.fillStyle = 'rgba(255, 255, 255, 0.025)';
      ctx.fill();
      ctx.strokeStyle = 'rgba(170, 195, 225, 0.28)';
      ctx.stroke();
    }
  }
  ctx.font = `${11 * dpr}px system-ui, sans-serif`;
  ctx.textAlign = 'center';
  ctx.fillStyle = 'rgba(210, 225, 240, 0.62)';
  for (const a of view.areas) ctx.fillText(a.name, p.x(a.longitude), p.y(a.latitude));

  // Near USC: the original study's test, Euclidean distance in degrees (an ellipse once drawn to scale).
  const usc = view.usc;
  if (usc) {
    ctx.save();
    ctx.setLineDash([5 * dpr, 4 * dpr]);
    ctx.strokeStyle = '#7ee081';
    ctx.lineWidth = 1.5 * dpr;
    ctx.beginPath();
    ctx.ellipse(p.x(usc.uscLongitude), p.y(usc.uscLatitude), usc.nearDegrees * p.kx * p.scale, usc.nearDegrees * p.scale, 0, 0, 2 * Math.PI);
    ctx.stroke();
    ctx.restore();
    ctx.fillStyle = '#7ee081';
    ctx.fillText('USC', p.x(usc.uscLongitude), p.y(usc.uscLatitude) + usc.nearDegrees * p.scale + 13 * dpr);
  }

  // A scale bar: 5 km.
  const km = 5 / 111.32 * p.scale; // a degree of latitude is about 111 km
  const sx = 14 * dpr, sy = canvas.height - 14 * dpr;
  ctx.strokeStyle = 'rgba(210, 225, 240, 0.6)';
  ctx.lineWidth = dpr;
  ctx.beginPath();
  ctx.moveTo(sx, sy - 4 * dpr);
  ctx.lineTo(sx, sy);
  ctx.lineTo(sx + km, sy);
  ctx.lineTo(sx + km, sy - 4 * dpr);
  ctx.stroke();
  ctx.fillStyle = 'rgba(210, 225, 240, 0.6)';
  ctx.textAlign = 'left';
  ctx.fillText('5 km', sx + km + 6 * dpr, sy);

  // The reports, fading out; time stands still for them while the clock is paused.
  const running = !(view.state && view.state.clock && (view.state.clock.paused || view.state.clock.held));
  const alive = [];
  for (const pt of view.points) {
    if (running || pt.age < 0) pt.age += dt;
    if (pt.age >= FADE_MS) continue;
    alive.push(pt);
    if (pt.age < 0) continue;
    const fresh = pt.age < 400;
    const alpha = fresh ? 1 : 1 - (pt.age - 400) / (FADE_MS - 400);
    ctx.globalAlpha = Math.max(0, alpha);
    ctx.fillStyle = KIND_COLORS[pt.k] || KIND_COLORS[3];
    ctx.beginPath();
    ctx.arc(p.x(pt.lon), p.y(pt.lat), (fresh ? 5 : 3.2) * dpr, 0, 2 * Math.PI);
    ctx.fill();
  }
  ctx.globalAlpha = 1;
  view.points = alive;
}

// ---- the timeline ----

function drawTimeline() {
  const canvas = $('timeline');
  fit(canvas);
  const ctx = canvas.getContext('2d');
  const dpr = devicePixelRatio;
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  let last = 0;
  for (const h of HOURS) for (const end of view.history[h].keys()) last = Math.max(last, end);
  if (last === 0) {
    ctx.fillStyle = '#8397ab';
    ctx.font = `${12 * dpr}px system-ui, sans-serif`;
    ctx.fillText('no window has closed yet', 10 * dpr, 24 * dpr);
    return;
  }
  const hour = 3600000;
  const start = view.state && view.state.clock ? Date.parse(view.state.clock.start) + hour : 0;
  const first = Math.max(start, last - (TIMELINE_HOURS - 1) * hour);
  const left = 36 * dpr, right = canvas.width - 8 * dpr, top = 8 * dpr, bottom = canvas.height - 20 * dpr;
  let max = 1;
  for (const h of HOURS) for (const [end, v] of view.history[h]) if (end >= first) max = Math.max(max, v.total);
  const x = end => left + (end - first) / (last - first || 1) * (right - left);
  const y = v => bottom - v / max * (bottom - top);
  const barWidth = Math.max(1, (right - left) / TIMELINE_HOURS - 2 * dpr);

  ctx.strokeStyle = '#263445';
  ctx.fillStyle = '#8397ab';
  ctx.font = `${10 * dpr}px system-ui, sans-serif`;
  ctx.lineWidth = dpr;
  for (const v of [0, Math.round(max / 2), max]) {
    ctx.beginPath();
    ctx.moveTo(left, y(v));
    ctx.lineTo(right, y(v));
    ctx.stroke();
    ctx.textAlign = 'right';
    ctx.fillText(String(v), left - 4 * dpr, y(v) + 3 * dpr);
  }
  for (let end = last; end >= first; end -= 12 * hour) {
    ctx.textAlign = end === last ? 'right' : 'center';
    ctx.fillText(label(end), end === last ? right : x(end), canvas.height - 5 * dpr);
  }

  // 1-hour windows as bars (near USC over them), 6 and 12 hours as lines; a missing window was empty.
  for (const [end, v] of view.history[1]) {
    if (end < first) continue;
    ctx.fillStyle = 'rgba(95, 179, 249, 0.75)';
    ctx.fillRect(x(end) - barWidth / 2, y(v.total), barWidth, bottom - y(v.total));
    if (v.near > 0) {
      ctx.fillStyle = '#ff5d5d';
      ctx.fillRect(x(end) - barWidth / 2, y(v.near), barWidth, bottom - y(v.near));
    }
  }
  for (const [h, color] of [[6, '#ffb020'], [12, '#c792ea']]) {
    ctx.strokeStyle = color;
    ctx.lineWidth = 2 * dpr;
    ctx.beginPath();
    let started = false;
    for (let end = first; end <= last; end += hour) {
      const v = view.history[h].get(end);
      const yy = y(v ? v.total : 0);
      if (!started) { ctx.moveTo(x(end), yy); started = true; } else ctx.lineTo(x(end), yy);
    }
    ctx.stroke();
  }
}

function label(ms) {
  const d = new Date(ms);
  if (!zoneFormat) return d.toISOString().slice(5, 13).replace('T', ' ') + 'Z';
  const parts = Object.fromEntries(zoneFormat.formatToParts(d).map(p => [p.type, p.value]));
  return `${parts.month}-${parts.day} ${parts.hour}:00`;
}

// ---- the animation loop ----

function tick(now) {
  const dt = Math.min(250, now - view.lastTick);
  view.lastTick = now;
  drawMap(dt);
  requestAnimationFrame(tick);
}

requestAnimationFrame(tick);
window.addEventListener('resize', () => { view.trailDrawn = 0; drawTimeline(); });
