/**
 * The session: how runs get into the viewer (a timeline file, a URL, a bundled scenario run in the worker) and the
 * tree of "what if" branches forked from them. Every failure ends as a readable message in the page.
 */
import { TimelineError } from '../../sim/trace/index.js';
import { type App, type LoadedRun, prepareRun, type RunSource } from './app.js';
import { type LoadClient, type Loaded, ReadError } from './loader/client.js';
import type { Analyser } from './model/analysis.js';
import type { ViewTimeline } from './model/event-list.js';
import type { RunClient, RunSpec } from './runner/client.js';
import type { ForkChange } from './runner/protocol.js';
import { loadScenarioText, scenarioLibrary } from './scenarios.js';
import type { StatusBar } from './views/status.js';

/** How to re-run the root of the branch tree (null: the timeline cannot be re-run). */
export type Origin =
  | { readonly kind: 'text'; readonly text: string; readonly fileName: string; readonly seed: number | undefined }
  | { readonly kind: 'resolved'; readonly scenario: ViewTimeline['scenario']; readonly seed: number };

export interface Branch {
  readonly id: string;
  readonly parent: string | null;
  readonly label: string;
  /** All changes from the root (a branch of a branch carries its parent's). */
  readonly changes: readonly ForkChange[];
  status: 'running' | 'ready' | 'error';
  progress: number;
  run: LoadedRun | null;
  error: string | null;
  /** Wall-clock ms the worker took to run it (forks and scenarios). */
  runMs: number | null;
}

export class Session {
  branches: Branch[] = [];
  current: string | null = null;
  origin: Origin | null = null;
  /** The URL-reproducible description of the root run. */
  rootUrl: { timeline?: string; scenario?: string; seed?: number } = {};
  private forkCount = 0;
  /** Bumped on every new root load, so a slow load that finishes late does not replace a newer one. */
  private generation = 0;
  onChange: (() => void) | null = null;

  constructor(
    private readonly app: App,
    private readonly client: RunClient,
    private readonly status: StatusBar,
    private readonly loader: LoadClient,
  ) {}

  get currentBranch(): Branch | undefined {
    return this.branches.find((b) => b.id === this.current);
  }

  /** Reads a timeline file (either version) in the load worker and shows it as the root of a new branch tree. */
  async openFile(file: File): Promise<boolean> {
    return this.openLoaded(
      { file },
      { kind: 'file', name: file.name },
      {},
      `Reading ${file.name}…`,
      `Could not read ${file.name}:`,
    );
  }

  /** Downloads a timeline (either version) in the load worker and shows it as the root of a new branch tree. */
  async openUrl(url: string): Promise<boolean> {
    // Resolved here: in the worker a relative address would be taken relative to the worker's script.
    const absolute = new URL(url, location.href).href;
    return this.openLoaded(
      { url: absolute },
      { kind: 'url', url },
      { timeline: url },
      'Downloading the timeline…',
      'Could not download the timeline:',
    );
  }

  private async openLoaded(
    what: { url: string } | { file: Blob },
    source: RunSource,
    url: Session['rootUrl'],
    reading: string,
    readFailed: string,
  ): Promise<boolean> {
    const gen = ++this.generation;
    this.status.clearError();
    this.status.progress(reading, 0);
    const t0 = performance.now();
    let loaded: Loaded;
    try {
      loaded = await this.loader.load(what, (phase, f) => {
        if (gen !== this.generation) return;
        if (phase === 'download') this.status.progress(reading, f * 0.5);
        else this.status.progress('Reading the timeline…', 0.5);
      });
    } catch (e) {
      if (gen !== this.generation) return false;
      this.status.done();
      this.fail(e instanceof ReadError ? readFailed : 'This file cannot be replayed:', e);
      return false;
    }
    if (gen !== this.generation) return false;
    const { timeline } = loaded;
    const origin: Origin = { kind: 'resolved', scenario: timeline.scenario, seed: timeline.seed };
    return this.showRoot(
      timeline,
      source,
      url,
      origin,
      loaded.bytes,
      gen,
      t0,
      {
        parseMs: loaded.parseMs,
        readMs: loaded.readMs,
        unpackMs: loaded.unpackMs,
        postMs: loaded.postMs,
        receiveMs: loaded.receiveMs,
        startMs: loaded.startedAt - (performance.timeOrigin + t0),
        version: loaded.version,
        ...(loaded.streamAnalysisMs !== undefined ? { streamAnalysisMs: loaded.streamAnalysisMs } : {}),
      },
      loaded.analyser,
    );
  }

  /** Runs a bundled scenario in the worker and shows it. */
  async runScenario(name: string, seed: number | undefined): Promise<boolean> {
    const gen = ++this.generation;
    this.status.clearError();
    try {
      this.status.progress(`Running ${name}…`, 0);
      const { text, fileName } = await loadScenarioText(name);
      const library = await scenarioLibrary();
      const spec: RunSpec = {
        source: 'text',
        text,
        fileName,
        library,
        changes: [],
        ...(seed !== undefined ? { seed } : {}),
      };
      const t0 = performance.now();
      const { timeline, elapsedMs } = await this.client.run(spec, (f) => this.status.progress(`Running ${name}…`, f));
      const ok = await this.showRoot(
        timeline,
        { kind: 'scenario', name, seed: timeline.seed },
        { scenario: name, seed: timeline.seed },
        { kind: 'text', text, fileName, seed },
        undefined,
        gen,
        t0,
      );
      const b = this.currentBranch;
      if (b) b.runMs = elapsedMs;
      return ok;
    } catch (e) {
      this.status.done();
      this.fail(`Could not run the scenario “${name}”:`, e);
      return false;
    }
  }

  private async showRoot(
    timeline: ViewTimeline,
    source: RunSource,
    url: Session['rootUrl'],
    origin: Origin,
    bytes: number | undefined,
    gen: number,
    t0: number,
    loadTimings: Partial<LoadedRun['timings']> = {},
    analyser?: Analyser,
  ): Promise<boolean> {
    try {
      const run = await prepareRun(
        timeline,
        'main',
        source,
        bytes,
        (f) => this.status.progress('Preparing the replay…', f),
        analyser,
      );
      if (gen !== this.generation) return false;
      (run as { loadMs: number }).loadMs = performance.now() - t0;
      Object.assign(run.timings, loadTimings);
      this.origin = origin;
      this.rootUrl = url;
      this.forkCount = 0;
      this.branches = [
        {
          id: 'main',
          parent: null,
          label: source.kind === 'scenario' ? `${source.name} (seed ${source.seed})` : timeline.scenario.name,
          changes: [],
          status: 'ready',
          progress: 1,
          run,
          error: null,
          runMs: null,
        },
      ];
      this.current = 'main';
      this.app.setRun(run);
      this.status.done();
      this.onChange?.();
      return true;
    } catch (e) {
      this.status.done();
      this.fail('This timeline cannot be replayed:', e);
      return false;
    }
  }

  /** Re-runs the current branch's scenario with one more change, as a new branch beside it. */
  async fork(change: ForkChange, label: string): Promise<Branch | null> {
    const parent = this.currentBranch;
    const origin = this.origin;
    if (!parent || !origin) {
      this.status.error('Cannot fork:', 'this run does not carry a scenario that can be run again.');
      return null;
    }
    const id = `fork-${++this.forkCount}`;
    const branch: Branch = {
      id,
      parent: parent.id,
      label,
      changes: [...parent.changes, change],
      status: 'running',
      progress: 0,
      run: null,
      error: null,
      runMs: null,
    };
    this.branches.push(branch);
    this.onChange?.();
    try {
      const base =
        origin.kind === 'text'
          ? { source: 'text' as const, text: origin.text, fileName: origin.fileName, library: await scenarioLibrary() }
          : { source: 'resolved' as const, scenario: origin.scenario, defaultSeed: origin.seed };
      const seed = this.branches[0]?.run?.timeline.seed;
      const spec = { ...base, changes: branch.changes, ...(seed !== undefined ? { seed } : {}) } as RunSpec;
      const { timeline, elapsedMs } = await this.client.run(spec, (f) => {
        branch.progress = f;
        this.onChange?.();
      });
      branch.runMs = elapsedMs;
      branch.run = await prepareRun(timeline, id, { kind: 'fork', parent: parent.id, label }, undefined);
      branch.status = 'ready';
      this.onChange?.();
      this.switchTo(id);
      return branch;
    } catch (e) {
      branch.status = 'error';
      branch.error = e instanceof Error ? e.message : String(e);
      this.onChange?.();
      this.fail('The “what if” run failed:', e);
      return null;
    }
  }

  /**
   * Reads a second timeline (text) and adds it beside the root as the branch "compare", for the side-by-side view;
   * the run shown stays the same. Replaces an earlier compared run. Returns the branch, or null (the page says why).
   */
  async addCompared(text: string, label: string): Promise<Branch | null> {
    try {
      // Either timeline version, read and checked in the load worker like the run shown.
      const { timeline } = await this.loader.load({ file: new Blob([text]) });
      const run = await prepareRun(timeline, 'compare', { kind: 'file', name: label }, text.length);
      this.branches = this.branches.filter((b) => b.id !== 'compare');
      const branch: Branch = {
        id: 'compare',
        parent: null,
        label: `${label} (compared)`,
        changes: [],
        status: 'ready',
        progress: 1,
        run,
        error: null,
        runMs: null,
      };
      this.branches.push(branch);
      this.onChange?.();
      return branch;
    } catch (e) {
      this.fail('This timeline cannot be compared:', e);
      return null;
    }
  }

  /** Shows another branch, keeping the playhead time and the selection. */
  switchTo(id: string): void {
    const b = this.branches.find((x) => x.id === id);
    if (!b?.run) return;
    this.current = id;
    this.app.setRun(b.run, true);
    this.onChange?.();
  }

  private fail(title: string, e: unknown): void {
    const detail = e instanceof TimelineError || e instanceof Error ? e.message : String(e);
    this.status.error(title, detail);
  }
}
