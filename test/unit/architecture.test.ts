import fs from 'node:fs';
import path from 'node:path';

const srcDir = path.resolve(__dirname, '../../src');

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : [],
  );
}

const importsOf = (file: string): string[] =>
  [...fs.readFileSync(file, 'utf8').matchAll(/(?:from|import|require\()\s*['"]([^'"]+)['"]/g)].map((m) => m[1]!);

// The domain is shared by both bots and every job: it must not know about any of them.
const forbiddenForDomain = [/^@slack\//, /^@microsoft\//, /^botbuilder/, /^bullmq$/, /^ioredis$/, /^express$/, /^chart/, /\/(bots|jobs|cards|http|cli)\//];

test.each(filesUnder(path.join(srcDir, 'domain')).map((f) => [path.relative(srcDir, f)]))('%s imports nothing outward', (rel) => {
  const bad = importsOf(path.join(srcDir, rel)).filter((spec) => forbiddenForDomain.some((re) => re.test(spec) || re.test(path.resolve(path.dirname(path.join(srcDir, rel)), spec) + '/')));
  expect(bad).toEqual([]);
});

test('cards are pure: no database, queue or network imports', () => {
  const cardFiles = fs.existsSync(path.join(srcDir, 'cards')) ? filesUnder(path.join(srcDir, 'cards')) : [];
  const bad = cardFiles.flatMap((f) => importsOf(f).filter((s) => /^(@mikro-orm|bullmq|ioredis|express|@slack\/bolt)/.test(s)).map((s) => `${path.relative(srcDir, f)} -> ${s}`));
  expect(bad).toEqual([]);
});
