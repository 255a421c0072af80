#!/usr/bin/env node
// Validates Kubernetes manifests offline against the models of `kubernetes-models`, in two passes:
//  1. the package's JSON-schema validators (`new Deployment(doc).validate()`): required fields,
//     types, enums, formats;
//  2. the package's TypeScript interfaces (IDeployment, ...), walked beside each document: a field
//     the API does not know (`readinesProbe`) is accepted by the schemas but refused by
//     `kubectl apply` (strict field validation), so it is reported here.
// It is an ES module because kubernetes-models is ESM only; the jest suite (CommonJS) spawns it.
//
// Usage: node test/support/validate-k8s.mjs [--json] file.yaml...
// Exit status 0 when every document is valid, 1 otherwise. Documents whose apiVersion belongs to
// kustomize (kustomization.yaml) are skipped and reported as such.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { parseAllDocuments } from 'yaml';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');

const args = process.argv.slice(2);
const asJson = args.includes('--json');
const files = args.filter((a) => a !== '--json');
if (files.length === 0) {
  process.stderr.write('usage: validate-k8s.mjs [--json] file.yaml...\n');
  process.exit(2);
}

/** `apps/v1` + `Deployment` -> `kubernetes-models/apps/v1/Deployment`; core `v1` -> `kubernetes-models/v1/...`. */
const modelPath = (apiVersion, kind) => `kubernetes-models/${apiVersion}/${kind}`;
const skipped = (apiVersion) => typeof apiVersion === 'string' && apiVersion.startsWith('kustomize.config.k8s.io/');

const results = [];
for (const file of files) {
  const text = fs.readFileSync(file, 'utf8');
  parseAllDocuments(text).forEach((parsed, index) => {
    const entry = { file: path.relative(root, path.resolve(file)), index, kind: undefined, name: undefined, errors: [] };
    results.push(entry);
    if (parsed.errors.length > 0) {
      entry.errors.push(...parsed.errors.map((e) => `YAML: ${e.message}`));
      return;
    }
    const doc = parsed.toJS();
    if (doc === null || doc === undefined) {
      entry.skipped = 'empty document';
      return;
    }
    entry.kind = doc.kind;
    entry.name = doc.metadata?.name;
    entry.doc = doc;
    if (skipped(doc.apiVersion)) entry.skipped = 'kustomize configuration, not a Kubernetes object';
    else if (typeof doc.apiVersion !== 'string' || typeof doc.kind !== 'string') entry.errors.push('apiVersion and kind must be strings');
  });
}

// Pass 1: the schema validators.
for (const entry of results) {
  if (!entry.doc || entry.skipped || entry.errors.length) continue;
  const { apiVersion, kind } = entry.doc;
  let Model;
  try {
    Model = (await import(modelPath(apiVersion, kind)))[kind];
  } catch {
    Model = undefined;
  }
  if (typeof Model !== 'function') {
    entry.errors.push(`no Kubernetes model for ${apiVersion} ${kind} (a typo in apiVersion or kind?)`);
    entry.noModel = true;
    continue;
  }
  try {
    new Model(entry.doc).validate();
  } catch (err) {
    // One message per problem: "data/spec must have required property selector, data/... must be integer".
    for (const part of String(err && err.message ? err.message : err).split(/, (?=data)/)) entry.errors.push(`schema: ${part}`);
  }
}

// Pass 2: unknown fields, through the models' TypeScript interfaces. Each document is walked beside
// its interface (IDeployment, ...): a key that is not a property of the type there is reported with
// its path. Maps (labels, resources.requests) have index signatures and accept any key.
const checked = results.filter((e) => e.doc && !e.skipped && !e.noModel && !e.errors.some((m) => m.startsWith('YAML')));
if (checked.length > 0) {
  const virtual = new Map();
  checked.forEach((entry, i) => {
    const { apiVersion, kind } = entry.doc;
    const name = path.join(root, 'test', 'support', `__k8s_manifest_${i}__.ts`);
    virtual.set(name, { entry, source: `import type { I${kind} as Model } from ${JSON.stringify(modelPath(apiVersion, kind))};\nexport declare const doc: Model;\n` });
  });
  const options = { strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, skipLibCheck: true, types: [] };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (fileName, languageVersion, ...rest) =>
    virtual.has(fileName) ? ts.createSourceFile(fileName, virtual.get(fileName).source, languageVersion, true) : getSourceFile.call(host, fileName, languageVersion, ...rest);
  host.fileExists = (fileName) => virtual.has(fileName) || fileExists.call(host, fileName);
  host.readFile = (fileName) => (virtual.has(fileName) ? virtual.get(fileName).source : readFile.call(host, fileName));
  const program = ts.createProgram([...virtual.keys()], options, host);
  const checker = program.getTypeChecker();

  /** The object-like members of a (possibly union, possibly optional) type. */
  const objectParts = (type) => (type.isUnion() ? type.types : [type]).filter((t) => (t.flags & ts.TypeFlags.Object) !== 0);
  const walk = (value, type, at, errors) => {
    if (value === null || typeof value !== 'object') return;
    const parts = objectParts(checker.getNonNullableType(type));
    if (parts.length === 0) return;
    if (Array.isArray(value)) {
      const element = parts.map((t) => t.getNumberIndexType()).find(Boolean);
      if (element) value.forEach((v, i) => walk(v, element, `${at}[${i}]`, errors));
      return;
    }
    const mapValue = parts.map((t) => t.getStringIndexType()).find(Boolean);
    for (const [key, v] of Object.entries(value)) {
      const property = parts.map((t) => t.getProperty(key)).find(Boolean);
      if (property) walk(v, checker.getTypeOfSymbol(property), `${at}.${key}`, errors);
      else if (mapValue) walk(v, mapValue, `${at}.${key}`, errors);
      else errors.push(`field: ${at}.${key} is not a field of ${checker.typeToString(parts[0])}`);
    }
  };

  for (const [name, { entry }] of virtual) {
    const source = program.getSourceFile(name);
    const declaration = source?.statements.find(ts.isVariableStatement)?.declarationList.declarations[0];
    const type = declaration && checker.getTypeAtLocation(declaration);
    if (!type || objectParts(type).length === 0 || (type.flags & ts.TypeFlags.Any) !== 0) {
      entry.errors.push(`types: could not load the TypeScript model for ${entry.doc.apiVersion} ${entry.doc.kind}`);
      continue;
    }
    walk(entry.doc, type, '$', entry.errors);
  }
}

const report = results.map(({ doc, noModel, ...rest }) => ({ ...rest, valid: rest.errors.length === 0 }));
if (asJson) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
else {
  for (const r of report) {
    const what = `${r.file}#${r.index} ${r.kind ?? '?'} ${r.name ?? ''}`.trim();
    if (r.skipped) process.stdout.write(`skip  ${what}: ${r.skipped}\n`);
    else if (r.valid) process.stdout.write(`ok    ${what}\n`);
    else process.stdout.write(`FAIL  ${what}\n${r.errors.map((e) => `      - ${e}`).join('\n')}\n`);
  }
}
process.exitCode = report.every((r) => r.valid) ? 0 : 1;
