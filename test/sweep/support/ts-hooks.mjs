// Module hooks that let worker threads started by tests load the TypeScript sources directly: `./x.js` resolves to
// `./x.ts` when only the .ts exists, and .ts files have their types stripped — by oxc (through rolldown, which vite
// brings) when it is there, as it starts in milliseconds, else by the project's TypeScript (about a second to load
// in each worker). Test support only: the shipped CLI runs the compiled dist/ files.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

async function makeStripper() {
  try {
    const { transformSync } = await import('rolldown/experimental');
    return (fileName, source) => {
      const out = transformSync(fileName, source, { sourcemap: false });
      if (out.errors?.length) throw new Error(`${fileName}: ${out.errors[0].message}`);
      return out.code;
    };
  } catch {
    const ts = (await import('typescript')).default;
    return (fileName, source) =>
      ts.transpileModule(source, {
        fileName,
        compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
      }).outputText;
  }
}

const strip = await makeStripper();

export async function resolve(specifier, context, next) {
  if (context.parentURL !== undefined && specifier.endsWith('.js') && /^(\.|\/|file:)/.test(specifier)) {
    const url = new URL(specifier, context.parentURL);
    if (url.protocol === 'file:' && !existsSync(fileURLToPath(url))) {
      const tsUrl = new URL(url.href.replace(/\.js$/, '.ts'));
      if (existsSync(fileURLToPath(tsUrl))) return { url: tsUrl.href, shortCircuit: true };
    }
  }
  return next(specifier, context);
}

export async function load(url, context, next) {
  if (url.startsWith('file:') && url.endsWith('.ts')) {
    const fileName = fileURLToPath(url);
    return { format: 'module', source: strip(fileName, await readFile(fileName, 'utf8')), shortCircuit: true };
  }
  return next(url, context);
}
