import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';

const root = path.resolve(__dirname, '../..');
const cruiser = path.join(root, 'node_modules/.bin/depcruise');
const config = path.join(root, '.dependency-cruiser.cjs');

type Violation = { rule: string; from: string; to: string };

/** dependency-cruiser's verdict on a tree, by rule (see .dependency-cruiser.cjs). */
function cruise(cwd: string): Violation[] {
  const run = spawnSync(cruiser, ['src', '--config', config, '--output-type', 'json'], { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (!run.stdout) throw new Error(`dependency-cruiser did not run: ${run.stderr}`);
  const result = JSON.parse(run.stdout) as { summary: { violations: Array<{ rule: { name: string }; from: string; to: string }> } };
  return result.summary.violations.map((v) => ({ rule: v.rule.name, from: v.from, to: v.to }));
}

test('src keeps its layers: no cycles, jobs never import bots, the domain and cards import nothing outward, chat SDKs stay in their folders, nothing knows the playground', () => {
  expect(cruise(root)).toEqual([]);
}, 60_000);

test('the rules catch what they are for (a tree that breaks each one)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sfa-arch-'));
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  };
  write('node_modules/@slack/bolt/package.json', '{"name":"@slack/bolt","main":"index.js"}');
  write('node_modules/@slack/bolt/index.js', 'exports.App = class {};');
  write('src/jobs/a.job.ts', "import { b } from '../bots/b';\nexport const a = () => b;\n");
  write('src/bots/b.ts', "import { a } from '../jobs/a.job';\nexport const b = 1;\nvoid a;\n");
  write('src/domain/c.ts', "import { b } from '../bots/b';\nexport const c = b;\n");
  write('src/cards/d.ts', "import { orm } from '../db/orm';\nexport const d = orm;\n");
  write('src/db/orm.ts', 'export const orm = 1;\n');
  write('src/bots/visits/e.ts', "import { App } from '@slack/bolt';\nexport const e = App;\n");
  write('src/bots/slack/f.ts', "import { g } from '../teams/g';\nexport const f = g;\n");
  write('src/bots/teams/g.ts', 'export const g = 1;\n');
  write('src/bots/slack/h.ts', "import { p } from '../../playground/p';\nexport const h = p;\n");
  write('src/playground/p.ts', 'export const p = 1;\n');
  try {
    const broken = new Set(cruise(dir).map((v) => v.rule));
    expect([...broken].sort()).toEqual(['cards-pure', 'chat-sdks-in-platform-folders', 'domain-inward', 'jobs-not-bots', 'no-circular', 'nothing-knows-the-playground', 'slack-not-teams']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);

/** Every function in a file with how many lines it spans (inner functions count within their outer one too). */
function functionLengths(file: string): Array<{ name: string; lines: number }> {
  const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const found: Array<{ name: string; lines: number }> = [];
  const visit = (node: ts.Node) => {
    if (ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node) || ts.isArrowFunction(node) || ts.isFunctionExpression(node) || ts.isConstructorDeclaration(node)) {
      const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      const named = (node as { name?: ts.Node }).name;
      const owner = ts.isVariableDeclaration(node.parent) || ts.isPropertyAssignment(node.parent) ? node.parent.name : undefined;
      found.push({ name: `${path.relative(root, file)}:${start + 1} ${(named ?? owner)?.getText(source) ?? '(anonymous)'}`, lines: end - start + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const filesUnder = (dir: string): string[] =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));

test('no function in the chat layer or the jobs is longer than 60 lines', () => {
  const long = ['src/bots', 'src/jobs'].flatMap((dir) => filesUnder(path.join(root, dir))).flatMap(functionLengths).filter((f) => f.lines > 60);
  expect(long).toEqual([]);
});
