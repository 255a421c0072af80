import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].filter((p): p is string => !!p);

/** Debian's Chromium (installed by .ci/run), or null with the reason when this machine has none. */
export async function launchBrowser(): Promise<{ browser: Browser } | { skip: string }> {
  const executablePath = candidates.find((p) => fs.existsSync(p));
  if (!executablePath) return { skip: `no Chromium at ${candidates.join(', ')}: install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH` };
  return { browser: await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] }) };
}

export const artifactsDir = path.resolve(__dirname, '../../test-artifacts/playground');

/** Saves what the page shows now as test-artifacts/playground/<name>.png (look at them). */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(artifactsDir, { recursive: true });
  const file = path.join(artifactsDir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: false });
  return file;
}
