import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { loadImage, createCanvas } from 'canvas';
import JSZip from 'jszip';
import { buildAppPackage, teamsCommands } from '../../../src/bots/teams/app-package';

const appId = '11111111-2222-3333-4444-555555555555';

test('the app package holds a manifest for the bot with its command list, and valid icons', async () => {
  const zip = await JSZip.loadAsync(await buildAppPackage({ appId, publicUrl: 'https://sfa.example.com' }));
  expect(Object.keys(zip.files).sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);
  const manifest = JSON.parse(await zip.file('manifest.json')!.async('string'));
  expect(manifest).toMatchObject({ manifestVersion: '1.17', id: appId, icons: { color: 'color.png', outline: 'outline.png' }, validDomains: ['sfa.example.com'] });
  expect(manifest.bots[0].botId).toBe(appId);
  expect(manifest.bots[0].commandLists[0].commands.map((c: { title: string }) => c.title)).toEqual(teamsCommands.map((c) => c.title));
  for (const c of teamsCommands) expect(c.description.length).toBeLessThanOrEqual(128);
  expect(manifest.name.short.length).toBeLessThanOrEqual(30);
  expect(manifest.description.short.length).toBeLessThanOrEqual(80);

  const color = await loadImage(await zip.file('color.png')!.async('nodebuffer'));
  expect([color.width, color.height]).toEqual([192, 192]);
  const outline = await loadImage(await zip.file('outline.png')!.async('nodebuffer'));
  expect([outline.width, outline.height]).toEqual([32, 32]);
  // Outline icons are white on transparent: no other colour, and a transparent corner.
  const g = createCanvas(32, 32).getContext('2d');
  g.drawImage(outline, 0, 0);
  const px = g.getImageData(0, 0, 32, 32).data;
  expect(px[3]).toBe(0);
  // Anti-aliased edges are partly transparent white; un-premultiplying may shift them a little.
  for (let i = 0; i < px.length; i += 4) if (px[i + 3]! > 0) expect(Math.min(px[i]!, px[i + 1]!, px[i + 2]!)).toBeGreaterThanOrEqual(230);
});

test('npm run teams:package writes appPackage/sfa-teams.zip and refuses without an app id', () => {
  const root = path.resolve(__dirname, '../../..');
  const out = path.join(root, 'appPackage/sfa-teams.zip');
  fs.rmSync(out, { force: true });
  const env = { PATH: process.env.PATH ?? '' };
  expect(() => execFileSync(process.execPath, ['--import', 'tsx', 'scripts/build-teams-package.ts'], { cwd: root, env, stdio: 'pipe' })).toThrow();
  execFileSync(process.execPath, ['--import', 'tsx', 'scripts/build-teams-package.ts'], { cwd: root, env: { ...env, MICROSOFT_APP_ID: appId }, stdio: 'pipe' });
  expect(fs.statSync(out).size).toBeGreaterThan(500);
}, 30_000);
