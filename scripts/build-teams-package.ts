/**
 * Builds appPackage/sfa-teams.zip for uploading the bot to Teams (Teams admin center, or
 * "Upload a custom app"). MICROSOFT_APP_ID is the bot's app id; PUBLIC_URL the service's address.
 *
 *   MICROSOFT_APP_ID=… PUBLIC_URL=https://sfa.example.com npm run teams:package
 */
import fs from 'node:fs';
import path from 'node:path';
import { buildAppPackage } from '../src/bots/teams/app-package';

async function main() {
  const appId = process.env.MICROSOFT_APP_ID;
  if (!appId || !/^[0-9a-f-]{36}$/i.test(appId)) {
    console.error('Set MICROSOFT_APP_ID to the bot\'s app id (a GUID) first.');
    process.exit(2);
  }
  const out = path.resolve(__dirname, '../appPackage/sfa-teams.zip');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, await buildAppPackage({ appId, publicUrl: process.env.PUBLIC_URL, version: process.env.npm_package_version }));
  console.log(`wrote ${path.relative(process.cwd(), out)}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
