/**
 * Installing the packed library into a fresh project without the network. `npm install --offline <tgz> vitest@…`
 * needs each package's registry metadata in npm's cache, which `npm ci` never stores (it installs from the lockfile's
 * tarball URLs). So the project gets a lockfile instead: the tarball, plus every package its dependencies, Vitest and
 * TypeScript need, copied with their versions, tarball URLs and integrity hashes from this repository's
 * package-lock.json — and `npm ci --offline` installs it from the tarballs `npm ci` left in the cache.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  optional?: boolean;
  dev?: boolean;
  devOptional?: boolean;
  peer?: boolean;
  [key: string]: unknown;
}

interface Lock {
  lockfileVersion: number;
  packages: Record<string, LockEntry>;
}

/** The lockfile path of `name` as required from the package at `from` ("" for the root), Node's lookup order. */
function locate(packages: Lock['packages'], from: string, name: string): string | null {
  let dir = from;
  for (;;) {
    const candidate = `${dir === '' ? '' : `${dir}/`}node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (dir === '') return null;
    const cut = dir.lastIndexOf('/node_modules/');
    dir = cut < 0 ? '' : dir.slice(0, cut);
  }
}

/** The lock entries `roots` (top-level names) need, with their dependencies, optional and required peer ones. */
function closure(lock: Lock, roots: readonly string[]): Map<string, LockEntry> {
  const out = new Map<string, LockEntry>();
  const queue: [string, string, boolean][] = roots.map((r) => ['', r, false]);
  while (queue.length > 0) {
    const [from, name, optional] = queue.shift()!;
    const path = locate(lock.packages, from, name);
    if (path === null) {
      if (optional) continue;
      throw new Error(`package-lock.json has no entry for ${name} (needed by ${from || 'the project'})`);
    }
    if (out.has(path)) continue;
    const entry = lock.packages[path]!;
    out.set(path, entry);
    for (const dep of Object.keys(entry.dependencies ?? {})) queue.push([path, dep, false]);
    for (const dep of Object.keys(entry.optionalDependencies ?? {})) queue.push([path, dep, true]);
    for (const dep of Object.keys(entry.peerDependencies ?? {})) {
      if (!entry.peerDependenciesMeta?.[dep]?.optional) queue.push([path, dep, true]);
    }
  }
  return out;
}

export interface AppSpec {
  /** The repository's package-lock.json. */
  readonly repoLock: string;
  /** The packed library, and its path as the app's package.json names it ("file:…"). */
  readonly tarball: string;
  readonly tarballSpec: string;
  /** The library's package.json (from the repository: the same as inside the tarball). */
  readonly libraryPackage: {
    name: string;
    version: string;
    dependencies?: Record<string, string>;
    peerDependencies?: Record<string, string>;
    peerDependenciesMeta?: Record<string, { optional?: boolean }>;
    bin?: Record<string, string>;
    engines?: Record<string, string>;
    license?: string;
  };
  /** Other packages the app installs at the repository's versions, e.g. ["vitest", "typescript"]. */
  readonly with: readonly string[];
}

/** The app's package.json and package-lock.json (as objects). */
export function offlineApp(spec: AppSpec): { pkg: object; lock: object } {
  const repo = JSON.parse(readFileSync(spec.repoLock, 'utf8')) as Lock;
  const lib = spec.libraryPackage;
  const integrity = `sha512-${createHash('sha512').update(readFileSync(spec.tarball)).digest('base64')}`;
  const versions: Record<string, string> = {};
  for (const name of spec.with) {
    const v = repo.packages[`node_modules/${name}`]?.version;
    if (v === undefined) throw new Error(`package-lock.json has no top-level ${name}`);
    versions[name] = v;
  }
  const deps = { [lib.name]: spec.tarballSpec, ...versions };
  const packages: Record<string, LockEntry> = {
    '': { name: 'app', dependencies: deps },
    [`node_modules/${lib.name}`]: {
      version: lib.version,
      resolved: spec.tarballSpec,
      integrity,
      ...(lib.license ? { license: lib.license } : {}),
      ...(lib.dependencies ? { dependencies: lib.dependencies } : {}),
      ...(lib.bin ? { bin: lib.bin } : {}),
      ...(lib.engines ? { engines: lib.engines } : {}),
      ...(lib.peerDependencies ? { peerDependencies: lib.peerDependencies } : {}),
      ...(lib.peerDependenciesMeta ? { peerDependenciesMeta: lib.peerDependenciesMeta } : {}),
    },
  };
  const needed = closure(repo, [...Object.keys(lib.dependencies ?? {}), ...spec.with]);
  for (const path of [...needed.keys()].sort()) {
    const { dev: _dev, devOptional: _devOptional, peer: _peer, ...entry } = needed.get(path)!;
    packages[path] = entry;
  }
  return {
    pkg: { name: 'app', private: true, type: 'module', dependencies: deps },
    lock: { name: 'app', lockfileVersion: 3, requires: true, packages },
  };
}
