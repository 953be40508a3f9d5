/**
 * The scenarios bundled with the viewer (the project's `scenarios/` folder), as text, loaded on demand. A scenario
 * runs in the browser exactly as on the command line.
 */
const files = import.meta.glob<string>('../../scenarios/*.{yaml,yml}', { query: '?raw', import: 'default' });

function baseName(path: string): string {
  return path.split('/').pop() ?? path;
}

const byName = new Map<string, { fileName: string; load: () => Promise<string> }>();
for (const [path, load] of Object.entries(files)) {
  const fileName = baseName(path);
  byName.set(fileName.replace(/\.ya?ml$/, ''), { fileName, load });
}

/** Names (file names without extension), sorted. */
export function scenarioNames(): string[] {
  return [...byName.keys()].sort();
}

export function hasScenario(name: string): boolean {
  return byName.has(name);
}

export async function loadScenarioText(name: string): Promise<{ text: string; fileName: string }> {
  const entry = byName.get(name);
  if (!entry)
    throw new Error(`no bundled scenario named “${name}” (there are: ${scenarioNames().join(', ') || 'none'})`);
  return { text: await entry.load(), fileName: entry.fileName };
}

/** Every bundled scenario's text by file name (for `extends`). */
export async function scenarioLibrary(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of byName.values()) out[entry.fileName] = await entry.load();
  return out;
}
