import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';

export type MstlModule = typeof import('@bsull/augurs/mstl', { with: { 'resolution-mode': 'import' } });
export type EtsModule = typeof import('@bsull/augurs/ets', { with: { 'resolution-mode': 'import' } });
export type Augurs = { mstl: MstlModule; ets: EtsModule };

type ImportAndInit = (moduleUrl: string, wasmBytes: Buffer) => Promise<unknown>;

// augurs is ESM only and this is a CommonJS build: tsc and @swc/jest would turn a written `import()`
// into require(), so the import is compiled from source text. The options object is built in the
// same source because the wasm-bindgen glue only accepts a plain object of its own realm.
const IMPORT_AND_INIT_BODY = `return (async () => {
  const module = await import(moduleUrl);
  await module.default({ module_or_path: wasmBytes });
  return module;
})();`;

const viaFunction = new Function('moduleUrl', 'wasmBytes', IMPORT_AND_INIT_BODY) as ImportAndInit;

// Jest runs tests in a vm context with no dynamic-import hook (unless --experimental-vm-modules);
// there the import is compiled in Node's main context with Node's own loader instead.
function viaMainContext(): ImportAndInit {
  const script = new vm.Script(`(moduleUrl, wasmBytes) => { ${IMPORT_AND_INIT_BODY} }`, {
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  return script.runInThisContext() as ImportAndInit;
}

async function importAndInit(moduleUrl: string, wasmBytes: Buffer): Promise<unknown> {
  try {
    return await viaFunction(moduleUrl, wasmBytes);
  } catch (error) {
    if ((error as { code?: string }).code !== 'ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING_FLAG') throw error;
    return viaMainContext()(moduleUrl, wasmBytes);
  }
}

/** The package exports no package.json, so its directory is found through its main entry; the .wasm files sit beside the .js. */
function augursDirectory(): string {
  return path.dirname(require.resolve('@bsull/augurs'));
}

async function loadSubmodule(dir: string, name: 'mstl' | 'ets'): Promise<unknown> {
  const wasmBytes = await fs.promises.readFile(path.join(dir, `${name}_bg.wasm`));
  return importAndInit(pathToFileURL(path.join(dir, `${name}.js`)).href, wasmBytes);
}

let loading: Promise<Augurs> | undefined;

/** Loads and initialises the augurs modules once per process; a failed load is retried on the next call. */
export function loadAugurs(): Promise<Augurs> {
  loading ??= (async () => {
    const dir = augursDirectory();
    const [mstl, ets] = await Promise.all([loadSubmodule(dir, 'mstl'), loadSubmodule(dir, 'ets')]);
    return { mstl: mstl as MstlModule, ets: ets as EtsModule };
  })().catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}
