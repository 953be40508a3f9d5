/**
 * The viewer's entry point: builds the page, wires the views to the app state, opens what the address asks for
 * (`?timeline=…` or `?scenario=…&seed=…`), and keeps the address in step with the view.
 */
import { App } from './app.js';
import { h } from './dom.js';
import { exportMenu } from './export-menu.js';
import { FAILURE_TOUR_ID, failureTour } from './failure-tour.js';
import { LoadClient } from './loader/client.js';
import { actorForEntity } from './model/actors.js';
import { RunClient } from './runner/client.js';
import { hasScenario, scenarioNames } from './scenarios.js';
import { Session } from './session.js';
import { TOURS, type TourTab } from './tours.js';
import { formatUrlState, parseUrlState } from './url-state.js';
import { BranchesView } from './views/branches.js';
import { ChartsView } from './views/charts.js';
import { CompareView } from './views/compare-view.js';
import { Controls } from './views/controls.js';
import { EventLog } from './views/event-log.js';
import { Explanation } from './views/explanation.js';
import { HelpDialog } from './views/help.js';
import { Inspector } from './views/inspector.js';
import { NetworkView } from './views/network.js';
import { SpaceTimeView } from './views/spacetime.js';
import { StatusBar } from './views/status.js';
import { TimelineView } from './views/timeline.js';
import { TopologyView } from './views/topology.js';
import { TourPanel } from './views/tour-panel.js';
import './style.css';

const app = new App();
const status = new StatusBar();
const loader = new LoadClient();
// A timeline in the address starts downloading now, in the load worker, while the page builds its views.
const linked = parseUrlState(location.search).timeline;
if (linked) loader.prefetch(new URL(linked, location.href).href);
else loader.warm();
const session = new Session(app, new RunClient(), status, loader);

// --- Header: open a run ---------------------------------------------------------------------------------------

const fileInput = h('input', {
  attrs: { type: 'file', accept: '.json,application/json', hidden: true, 'data-testid': 'file-input' },
  on: {
    change: () => {
      const f = fileInput.files?.[0];
      if (f) void session.openFile(f).then((ok) => ok && syncUrl(true));
      fileInput.value = '';
    },
  },
});
const compareInput = h('input', {
  attrs: { type: 'file', accept: '.json,application/json', hidden: true, 'data-testid': 'compare-input' },
  on: {
    change: () => {
      const f = compareInput.files?.[0];
      compareInput.value = '';
      if (f)
        void f.text().then((text) =>
          openCompared(text, f.name).then((ok) => {
            if (ok) compareUrl = null;
            syncUrl(false);
          }),
        );
    },
  },
});
const scenarioSelect = h(
  'select',
  { attrs: { 'aria-label': 'Bundled scenario', 'data-testid': 'scenario-select' } },
  h('option', { attrs: { value: '', disabled: true } }, 'scenario…'),
  ...scenarioNames().map((n) => h('option', { attrs: { value: n } }, n)),
);
if (hasScenario('quickstart')) scenarioSelect.value = 'quickstart';
const seedInput = h('input', {
  class: 'seed',
  attrs: { type: 'number', min: 0, placeholder: 'seed', 'aria-label': 'Seed', 'data-testid': 'seed-input' },
  on: { keydown: (e) => e.stopPropagation() },
});
const runButton = h(
  'button',
  {
    class: 'btn primary',
    attrs: { 'data-testid': 'run-scenario' },
    on: { click: () => void runBundled(scenarioSelect.value, seedValue()) },
  },
  'Run in the browser',
);
const tourSelect = h(
  'select',
  {
    attrs: { 'aria-label': 'Guided tour', 'data-testid': 'tour-select' },
    on: {
      change: () => {
        const t = tourById(tourSelect.value);
        tourSelect.value = '';
        if (t) tours.start(t);
        syncUrl(false);
      },
    },
  },
  h('option', { attrs: { value: '' } }, 'Guided tours…'),
  ...TOURS.map((t) => h('option', { attrs: { value: t.id } }, t.title)),
);
// A run whose expectation failed offers the tour generated from its failure (failure-tour.ts).
const failureOption = h('option', { attrs: { value: FAILURE_TOUR_ID, hidden: true } }, 'Why this run fails');
tourSelect.append(failureOption);
const failureButton = h(
  'button',
  {
    class: 'btn primary hidden',
    title: 'A guided tour from the fault(s) to the moment the expectation fails',
    attrs: { 'data-testid': 'failure-tour' },
    on: {
      click: () => {
        const t = tourById(FAILURE_TOUR_ID);
        if (t) tours.start(t);
        syncUrl(false);
      },
    },
  },
  'Why it fails ▸',
);

/** A bundled tour, or the failure tour of the run shown. */
function tourById(id: string) {
  if (id === FAILURE_TOUR_ID) return app.run ? failureTour(app.run.timeline) : null;
  return TOURS.find((x) => x.id === id) ?? null;
}
const runInfo = h('span', { class: 'run-info', attrs: { 'data-testid': 'run-info' } });
const help = new HelpDialog();

function seedValue(): number | undefined {
  const v = seedInput.value.trim();
  return /^\d+$/.test(v) ? Number(v) : undefined;
}

async function runBundled(name: string, seed: number | undefined): Promise<void> {
  if (!name) return;
  scenarioSelect.value = name;
  if (await session.runScenario(name, seed)) syncUrl(true);
}

const header = h(
  'header',
  { class: 'app-header' },
  h('h1', null, h('span', { class: 'logo' }, '◧'), ' fabricsim'),
  h(
    'button',
    { class: 'btn', attrs: { 'data-testid': 'open-file' }, on: { click: () => fileInput.click() } },
    'Open timeline…',
  ),
  fileInput,
  h('span', { class: 'sep' }, 'or'),
  scenarioSelect,
  seedInput,
  runButton,
  tourSelect,
  failureButton,
  exportMenu(() => app.run?.timeline ?? null),
  runInfo,
  h('button', { class: 'btn', title: 'Keyboard shortcuts (?)', on: { click: () => help.open() } }, '?'),
);

// --- Views ----------------------------------------------------------------------------------------------------

const controls = new Controls(app);
const timeline = new TimelineView(app);
const topology = new TopologyView(app);
const network = new NetworkView(app);
const spacetime = new SpaceTimeView(app);
const charts = new ChartsView(app);
const log = new EventLog(app);
const inspector = new Inspector(app);
const explanation = new Explanation(app);
const branches = new BranchesView(app, session);
const tours = new TourPanel(app);
const compareView = new CompareView(app, session);
/** The address of the run compared side by side (`?compare=`), when it came from one. */
let compareUrl: string | null = null;

/** Adds a second run beside the one shown and goes to the first event where they part. */
async function openCompared(text: string, label: string): Promise<boolean> {
  if (!app.run || !(await session.addCompared(text, label))) return false;
  compareView.render();
  const d = compareView.comparison?.a.event ?? -1;
  if (d >= 0) app.goToEvent(d);
  return true;
}

async function compareWithUrl(url: string): Promise<boolean> {
  try {
    const res = await fetch(url);
    if (!res.ok) throw new Error(`the server answered ${res.status} ${res.statusText} for ${url}`);
    const ok = await openCompared(await res.text(), url.split('/').pop() || url);
    if (ok) compareUrl = url;
    return ok;
  } catch (e) {
    status.error('Could not download the timeline to compare:', e instanceof Error ? e.message : String(e));
    return false;
  }
}

// "Compare with…" sits with the branches, whose table compares the runs' metrics too.
branches.el.querySelector('.panel-head')?.append(
  h(
    'button',
    {
      class: 'btn small',
      title: 'Show another timeline side by side with this one, from the first event where they part',
      attrs: { 'data-testid': 'compare-open' },
      on: { click: () => compareInput.click() },
    },
    'Compare with…',
  ),
  compareInput,
);
compareView.onClose = () => {
  compareUrl = null;
  syncUrl(false);
};

const tabs: Record<TourTab, { label: string; view: { el: HTMLElement; show(v: boolean): void } }> = {
  topology: { label: 'Topology', view: topology },
  network: { label: 'Network', view: network },
  spacetime: { label: 'Space-time', view: spacetime },
  charts: { label: 'Charts', view: charts },
};
let currentTab: TourTab = 'topology';
const tabBar = h('nav', { class: 'tabs', attrs: { role: 'tablist' } });
const tabBody = h('div', { class: 'tab-body' });
for (const [key, { label, view }] of Object.entries(tabs) as [TourTab, (typeof tabs)[TourTab]][]) {
  tabBar.append(
    h(
      'button',
      {
        class: 'tab',
        attrs: { role: 'tab', 'data-tab': key, 'data-testid': `tab-${key}` },
        on: { click: () => showTab(key) },
      },
      label,
    ),
  );
  tabBody.append(view.el);
}

function showTab(key: TourTab): void {
  currentTab = key;
  for (const [k, { view }] of Object.entries(tabs) as [TourTab, (typeof tabs)[TourTab]][]) {
    view.el.classList.toggle('hidden', k !== key);
    view.show(k === key);
  }
  for (const b of tabBar.querySelectorAll<HTMLElement>('.tab')) b.classList.toggle('active', b.dataset.tab === key);
  syncUrl(false);
}

const tryScenario = (name: string, label: string) =>
  hasScenario(name)
    ? h(
        'button',
        { class: 'btn', data: { scenario: name }, on: { click: () => void runBundled(name, undefined) } },
        label,
      )
    : null;
const welcome = h(
  'section',
  { class: 'welcome', attrs: { 'data-testid': 'welcome' } },
  h('h2', null, 'Replay a fabricsim run'),
  h(
    'p',
    null,
    'Drop a timeline file (made by ',
    h('code', null, 'fabricsim run FILE --out run.timeline.json'),
    ') anywhere on this page, open one with the button above, or run a bundled scenario right here in your browser:',
  ),
  h(
    'div',
    { class: 'try' },
    tryScenario('quickstart', 'A crash and a node failure (quickstart)'),
    tryScenario('node-crash-healing', 'Service healing'),
    tryScenario('rack-power-loss', 'A rack loses power'),
    tryScenario('security-corpnet-acl', 'Firewalls turn attackers away'),
  ),
  h(
    'p',
    null,
    'Then press play, or follow a guided tour. Every colour change has a reason: click any event to see why it ' +
      'happened, and which part of the infrastructure-integrity document it illustrates.',
  ),
);

const main = h(
  'main',
  { class: 'app-main' },
  h('div', { class: 'center' }, tabBar, tabBody, welcome),
  h('div', { class: 'side' }, inspector.el, explanation.el, branches.el),
);

const page = h(
  'div',
  { class: 'app' },
  header,
  status.errorEl,
  status.progressEl,
  controls.el,
  timeline.el,
  compareView.el,
  main,
  log.el,
  tours.el,
  help.el,
);
// While a linked timeline loads, the run's panels are laid out (hidden), so that every view knows its size when the
// run arrives and draws it once, rather than at the size of a hidden panel and again when its size is known.
if (linked) page.classList.add('loading');
document.getElementById('app')!.replaceWith(page);
app.notify('run', 'status');

// --- Wiring ---------------------------------------------------------------------------------------------------

inspector.onFork = (id) => branches.openFault(id);
explanation.onRule = (policy) => branches.openRuleDialog(policy);
explanation.onSecurityRule = (change, label) => void session.fork(change, label);
explanation.onPolicyChoice = (change, label) => void session.fork(change, label);
topology.onFork = (id) => branches.openFault(id);
tours.onTab = (tab) => showTab(tab);
tours.onOpenScenario = (name) =>
  void runBundled(name, undefined).then(() => {
    const t = tours.active;
    if (t) tours.start(t);
  });
tours.hasScenario = hasScenario;
session.onChange = () => app.notify('branches');

app.onFrame((c) => {
  const run = app.run;
  if (c.has('run')) {
    page.classList.toggle('has-run', !!run);
    if (run) page.classList.remove('loading');
    if (run) {
      const tl = run.timeline;
      runInfo.textContent = `${tl.scenario.name} · seed ${tl.seed} · ${tl.events.length.toLocaleString('en')} events · hash ${tl.traceHash}`;
      runInfo.dataset.traceHash = tl.traceHash;
      runInfo.dataset.events = String(tl.events.length);
      runInfo.dataset.branch = run.id;
      scenarioSelect.value = menuScenario(run);
      const fails = (tl.summary?.expectations ?? []).some((x) => !x.passed);
      failureButton.classList.toggle('hidden', !fails);
      failureOption.hidden = !fails;
      runInfo.title = `loaded in ${Math.round(run.loadMs)} ms${run.bytes ? ` · ${(run.bytes / 1e6).toFixed(1)} MB` : ''}`;
    }
  }
  if (c.has('time') || c.has('select') || c.has('status')) scheduleUrlSync();
});

/**
 * The bundled scenario the header's menu should name for a run: the one it was run from, or the one a timeline file
 * was recorded from when it is bundled (matched by name); none (the placeholder) for anything else.
 */
function menuScenario(run: NonNullable<typeof app.run>): string {
  const root = session.rootUrl.scenario;
  if (root && hasScenario(root)) return root;
  const name = run.timeline.scenario.name;
  return hasScenario(name) ? name : '';
}

// --- Keyboard -------------------------------------------------------------------------------------------------

window.addEventListener('keydown', (e) => {
  const target = e.target as HTMLElement | null;
  if (target && (target.tagName === 'INPUT' || target.tagName === 'SELECT' || target.tagName === 'TEXTAREA')) {
    if (!(target as HTMLInputElement).type || (target as HTMLInputElement).type !== 'range') return;
  }
  if (document.querySelector('dialog[open]')) return;
  if (e.key === ' ') {
    e.preventDefault();
    app.togglePlay();
  } else if (e.key === 'ArrowRight') {
    e.preventDefault();
    if (e.shiftKey) controls.jump(1);
    else app.stepForward();
  } else if (e.key === 'ArrowLeft') {
    e.preventDefault();
    if (e.shiftKey) controls.jump(-1);
    else app.stepBack();
  } else if (e.key === '+' || e.key === '=') {
    app.setSpeed(app.speed * 2);
  } else if (e.key === '-' || e.key === '_') {
    app.setSpeed(app.speed / 2);
  } else if (e.key === 'Home') {
    app.seekPosition(0);
  } else if (e.key === 'End') {
    if (app.run) app.seekPosition(app.run.replay.n);
  } else if (e.key === '?') {
    help.toggle();
  } else if (e.key === 'Escape') {
    app.select(null);
  }
});

// --- Drag and drop --------------------------------------------------------------------------------------------

window.addEventListener('dragover', (e) => {
  e.preventDefault();
  page.classList.add('dragging');
});
window.addEventListener('dragleave', (e) => {
  if (e.target === document.documentElement || !e.relatedTarget) page.classList.remove('dragging');
});
window.addEventListener('drop', (e) => {
  e.preventDefault();
  page.classList.remove('dragging');
  const f = e.dataTransfer?.files?.[0];
  if (f) void session.openFile(f).then((ok) => ok && syncUrl(true));
});

// --- Address --------------------------------------------------------------------------------------------------

let urlTimer = 0;
function scheduleUrlSync(): void {
  if (urlTimer) return;
  urlTimer = window.setTimeout(() => {
    urlTimer = 0;
    syncUrl(false);
  }, 400);
}

/** True while the view is being restored from the address (writing it back then would erase what is still read). */
let restoring = false;

function syncUrl(push: boolean): void {
  if (restoring) return;
  const run = app.run;
  const root = session.rootUrl;
  const state = {
    ...root,
    ...(compareUrl ? { compare: compareUrl } : {}),
    ...(run ? { t: app.timeUs } : {}),
    ...(run && app.selectedEvent >= 0 ? { ev: app.selectedEvent } : {}),
    ...(app.selection ? { sel: app.selection } : {}),
    ...(tours.active ? { tour: tours.active.id } : {}),
    ...(currentTab !== 'topology' ? { tab: currentTab } : {}),
  };
  const url = `${location.pathname}${formatUrlState(state)}`;
  if (url === `${location.pathname}${location.search}`) return;
  if (push) history.pushState(null, '', url);
  else history.replaceState(null, '', url);
}

async function openFromUrl(): Promise<void> {
  restoring = true;
  try {
    await restoreFromUrl();
  } finally {
    restoring = false;
  }
  if (app.run) syncUrl(false);
}

async function restoreFromUrl(): Promise<void> {
  const s = parseUrlState(location.search);
  if (s.tab && s.tab in tabs) showTab(s.tab as TourTab);
  else showTab('topology');
  let ok = false;
  if (s.timeline) {
    ok = await session.openUrl(s.timeline);
    if (!app.run) page.classList.remove('loading');
  } else if (s.scenario) {
    scenarioSelect.value = s.scenario;
    if (s.seed !== undefined) seedInput.value = String(s.seed);
    ok = await session.runScenario(s.scenario, s.seed);
  }
  if (!ok || !app.run) return;
  compareUrl = null;
  if (s.compare) await compareWithUrl(s.compare);
  const run = app.run;
  if (s.ev !== undefined && s.ev < run.replay.n) {
    app.goToEvent(s.ev);
    if (s.t !== undefined && s.t !== run.replay.events.at(s.ev)!.t) app.seekTime(s.t);
  } else if (s.t !== undefined) app.seekTime(s.t);
  if (s.sel) app.select(s.sel);
  if (s.tour) {
    const t = tourById(s.tour);
    if (t) tours.start(t);
  }
}

window.addEventListener('popstate', () => void openFromUrl());

// For the tests and the benchmark: a small, read-only window onto the viewer (no data is executed from it).
(window as unknown as { fabricsim: unknown }).fabricsim = {
  app,
  session,
  views: { topology, network, spacetime, charts, log, timeline, controls, tours, branches, compare: compareView },
  showTab,
  actorForEntity,
};

void openFromUrl();
