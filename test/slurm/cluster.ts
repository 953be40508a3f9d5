/**
 * A throwaway one-node Slurm for the Slurm test: a munge key and a slurm.conf generated in a temp folder, munged,
 * slurmctld and slurmd started in the foreground as children (root; the node on 127.0.0.1, named `hostname -s`), and
 * `stop()` that ends every daemon it started — by its child handle and by its pid file — whatever happened before.
 * Every wait is bounded.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';

/** The programs the test needs, from Debian's slurm-wlm and munge packages. */
export const PROGRAMS = [
  'mungekey',
  'munged',
  'slurmctld',
  'slurmd',
  'sbatch',
  'squeue',
  'sinfo',
  'scontrol',
  'scancel',
];

export function onPath(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

/** Why the Slurm test cannot run here (skip), or undefined. Missing packages on a root Debian are a failure, not a skip. */
export function whyNotHere(): string | undefined {
  if (process.platform !== 'linux') return `it needs Linux (this is ${process.platform})`;
  if (process.getuid?.() !== 0)
    return 'it needs root (it starts munged, slurmctld and slurmd); .ci/run runs it as root';
  if (PROGRAMS.some((p) => !onPath(p)) && !onPath('apt-get')) {
    return 'Slurm and munge are not installed and there is no apt-get to install them';
  }
  return undefined;
}

export async function sleep(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

/** Polls `check` until it returns a value other than undefined, or throws after `timeoutMs` naming `what`. */
export async function waitFor<T>(what: string, timeoutMs: number, check: () => T | undefined): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}`);
    await sleep(500);
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

interface Daemon {
  name: string;
  child: ChildProcess;
  pidFile: string;
  exited: boolean;
}

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export class Cluster {
  readonly dir: string;
  readonly conf: string;
  readonly node = hostname().split('.')[0]!;
  private readonly daemons: Daemon[] = [];

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'fabricsim-slurm-'));
    // munged refuses a socket in a folder others cannot enter.
    chmodSync(this.dir, 0o755);
    this.conf = join(this.dir, 'slurm.conf');
  }

  /** The environment for Slurm's commands: this cluster's slurm.conf. */
  env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    return { ...process.env, SLURM_CONF: this.conf, ...extra };
  }

  /** Runs a Slurm (or any) command to its end, bounded. */
  run(
    cmd: string,
    args: string[],
    opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
  ): RunResult {
    const r = spawnSync(cmd, args, {
      cwd: opts.cwd ?? this.dir,
      env: opts.env ?? this.env(),
      encoding: 'utf8',
      timeout: opts.timeoutMs ?? 30_000,
    });
    if (r.error) throw new Error(`${cmd} ${args.join(' ')}: ${r.error.message}`);
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  private start(name: string, cmd: string, args: string[], pidFile: string): void {
    const log = openSync(join(this.dir, `${name}.out`), 'a');
    const child = spawn(cmd, args, { cwd: this.dir, env: this.env(), stdio: ['ignore', log, log] });
    const d: Daemon = { name, child, pidFile, exited: false };
    child.once('exit', () => {
      d.exited = true;
    });
    child.once('error', () => {
      d.exited = true;
    });
    this.daemons.push(d);
  }

  private alive(name: string): void {
    const d = this.daemons.find((x) => x.name === name);
    if (d?.exited) throw new Error(`${name} exited at start:\n${this.tail(`${name}.out`)}`);
  }

  /** The last lines of a file of the cluster's folder (for failure messages). */
  tail(file: string, lines = 15): string {
    const p = join(this.dir, file);
    if (!existsSync(p)) return `(no ${file})`;
    return readFileSync(p, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  }

  /** Generates the key and configuration, starts the three daemons and waits for the node to be idle. */
  async up(): Promise<void> {
    const d = this.dir;
    for (const sub of ['state', 'spool']) mkdirSync(join(d, sub));
    const key = this.run('mungekey', ['--create', '--keyfile', join(d, 'munge.key')]);
    if (key.status !== 0) throw new Error(`mungekey failed: ${key.stderr.trim()}`);
    const socket = join(d, 'munge.socket');
    this.start(
      'munged',
      'munged',
      [
        '--foreground',
        `--key-file=${join(d, 'munge.key')}`,
        `--socket=${socket}`,
        `--pid-file=${join(d, 'munged.pid')}`,
        `--log-file=${join(d, 'munged.log')}`,
        `--seed-file=${join(d, 'munged.seed')}`,
      ],
      join(d, 'munged.pid'),
    );
    await waitFor('munged to open its socket', 20_000, () => {
      this.alive('munged');
      return existsSync(socket) ? true : undefined;
    });

    const [ctldPort, slurmdPort] = [await freePort(), await freePort()];
    writeFileSync(
      this.conf,
      [
        '# Generated by test/slurm/cluster.ts: one node on 127.0.0.1, everything in this folder, no accounting.',
        'ClusterName=fabricsim-test',
        `SlurmctldHost=${this.node}(127.0.0.1)`,
        `SlurmctldPort=${ctldPort}`,
        `SlurmdPort=${slurmdPort}`,
        'SlurmUser=root',
        'SlurmdUser=root',
        'AuthType=auth/munge',
        'CredType=cred/munge',
        `AuthInfo=socket=${socket}`,
        `StateSaveLocation=${join(d, 'state')}`,
        `SlurmdSpoolDir=${join(d, 'spool')}`,
        `SlurmctldPidFile=${join(d, 'slurmctld.pid')}`,
        `SlurmdPidFile=${join(d, 'slurmd.pid')}`,
        `SlurmctldLogFile=${join(d, 'slurmctld.log')}`,
        `SlurmdLogFile=${join(d, 'slurmd.log')}`,
        // The node below claims 8 CPUs and 8 GB whatever the machine has, so the script's own requests fit.
        'SlurmdParameters=config_overrides',
        'ProctrackType=proctrack/linuxproc',
        'TaskPlugin=task/none',
        'SelectType=select/cons_tres',
        'SelectTypeParameters=CR_CPU',
        'SchedulerType=sched/builtin',
        'SwitchType=switch/none',
        'MpiDefault=none',
        'JobCompType=jobcomp/none',
        'JobAcctGatherType=jobacct_gather/none',
        'AccountingStorageType=accounting_storage/none',
        'ReturnToService=2',
        'MinJobAge=600',
        'MailProg=/bin/true',
        `NodeName=${this.node} NodeAddr=127.0.0.1 CPUs=8 RealMemory=8192 State=UNKNOWN`,
        `PartitionName=test Nodes=${this.node} Default=YES MaxTime=INFINITE State=UP`,
        '',
      ].join('\n'),
    );
    this.start('slurmctld', 'slurmctld', ['-D', '-c', '-f', this.conf], join(d, 'slurmctld.pid'));
    await waitFor('slurmctld to answer', 30_000, () => {
      this.alive('slurmctld');
      return /is UP/.test(this.run('scontrol', ['ping']).stdout) ? true : undefined;
    });
    this.start('slurmd', 'slurmd', ['-D', '-f', this.conf], join(d, 'slurmd.pid'));
    await waitFor(`node ${this.node} to be idle`, 60_000, () => {
      this.alive('slurmd');
      const state = this.run('sinfo', ['-h', '-N', '-o', '%T']).stdout.trim();
      return state === 'idle' ? true : undefined;
    });
  }

  /**
   * Cancels any job left, then ends every daemon started, newest first: SIGTERM, then SIGKILL after 10 s; by handle
   * and by pid file.
   */
  async stop(): Promise<void> {
    const ctld = this.daemons.find((x) => x.name === 'slurmctld');
    if (ctld && !ctld.exited) {
      // Jobs first (a failed or timed-out test may leave some), so no job step outlives its slurmd.
      try {
        this.run('scancel', ['--user=root'], { timeoutMs: 10_000 });
        await waitFor('the queue to empty', 20_000, () =>
          this.run('squeue', ['-h', '-o', '%i'], { timeoutMs: 10_000 }).stdout.trim() === '' ? true : undefined,
        );
      } catch {
        // stop the daemons anyway
      }
    }
    for (const d of [...this.daemons].reverse()) {
      const pids = new Set<number>();
      if (!d.exited && d.child.pid !== undefined) pids.add(d.child.pid);
      if (existsSync(d.pidFile)) {
        const p = Number(readFileSync(d.pidFile, 'utf8').trim());
        if (Number.isInteger(p) && p > 1 && isRunning(p) && commandOf(p).includes(d.name)) pids.add(p);
      }
      for (const p of pids) signal(p, 'SIGTERM');
      const end = Date.now() + 10_000;
      while ([...pids].some(isRunning) && Date.now() < end) await sleep(200);
      for (const p of pids) if (isRunning(p)) signal(p, 'SIGKILL');
    }
  }

  /** Removes the cluster's folder (after stop). */
  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

/** Whether `pid` is a live process (a zombie awaiting its parent counts as gone). */
function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
}
