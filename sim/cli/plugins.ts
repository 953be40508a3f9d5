/**
 * Loading a scenario's policy modules (`policies.fc.detector: { use: ./my-detector.js }`, docs/policies.md): each
 * module path is resolved relative to the scenario file and imported; the scenario comes back with the modules
 * attached, so `runScenario` finds them under the name the file uses. Node only; sim/ itself never reads files.
 */
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isModulePath, POLICY_PATHS } from '../model/index.js';
import type { Scenario } from '../runner/index.js';
import type { PolicyPoint } from '../spec/index.js';
import { CliError } from './errors.js';

/** The module files a scenario names, as `use` text → absolute path (relative to the scenario file). */
export function pluginFiles(
  scenario: { fileName: string; resolved: Scenario['resolved'] },
  cwd = process.cwd(),
): Map<string, string> {
  const out = new Map<string, string>();
  const choices = scenario.resolved.choices ?? {};
  for (const c of Object.values(choices)) {
    if (c !== undefined && isModulePath(c.use)) out.set(c.use, resolve(cwd, dirname(scenario.fileName), c.use));
  }
  return out;
}

/** Imports the scenario's policy modules; a module that does not load is a one-line CliError naming it. */
export async function loadPluginModules(
  scenario: { fileName: string; resolved: Scenario['resolved'] },
  cwd = process.cwd(),
): Promise<Record<string, unknown>> {
  const mods: Record<string, unknown> = {};
  const choices = scenario.resolved.choices ?? {};
  for (const [use, path] of pluginFiles(scenario, cwd)) {
    const point = (Object.keys(choices) as PolicyPoint[]).find((p) => choices[p]?.use === use)!;
    try {
      mods[use] = await import(pathToFileURL(path).href);
    } catch (e) {
      const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
      throw new CliError(
        `${scenario.fileName}: policy ${POLICY_PATHS[point]} (${use}): the module does not load: ${why}`,
      );
    }
  }
  return mods;
}

/**
 * A scenario file written somewhere else than the one it came from (a shrunk counterexample): its policy modules'
 * relative paths rewritten to point at the same files from the new place. Returns the file and the renames
 * (old `use` text → new), by which loaded modules are found under their new names.
 */
export function rebasePolicyModules<F extends { policies?: unknown }>(
  file: F,
  fromFile: string,
  toFile: string,
): { file: F; renames: Map<string, string> } {
  const renames = new Map<string, string>();
  const fc = (file.policies as { fc?: Record<string, unknown> } | undefined)?.fc;
  if (!fc) return { file, renames };
  const next: Record<string, unknown> = { ...fc };
  for (const [key, v] of Object.entries(fc)) {
    const use = (v as { use?: unknown } | null)?.use;
    if (typeof use !== 'string' || !isModulePath(use) || isAbsolute(use)) continue;
    let to = relative(dirname(resolve(toFile)), resolve(dirname(fromFile), use))
      .split('\\')
      .join('/');
    if (!to.startsWith('.')) to = `./${to}`;
    if (to === use) continue;
    renames.set(use, to);
    next[key] = { ...(v as object), use: to };
  }
  if (renames.size === 0) return { file, renames };
  return { file: { ...file, policies: { ...(file.policies as object), fc: next } }, renames };
}

/** Loaded modules under renamed `use` texts (see rebasePolicyModules). */
export function renamePlugins(
  plugins: Record<string, unknown> | undefined,
  renames: ReadonlyMap<string, string>,
): Record<string, unknown> | undefined {
  if (plugins === undefined || renames.size === 0) return plugins;
  return Object.fromEntries(Object.entries(plugins).map(([k, m]) => [renames.get(k) ?? k, m]));
}

/** The scenario with its policy modules loaded (itself when it names none). */
export async function withPlugins(scenario: Scenario): Promise<Scenario> {
  if (pluginFiles(scenario).size === 0) return scenario;
  return { ...scenario, plugins: await loadPluginModules(scenario) };
}
