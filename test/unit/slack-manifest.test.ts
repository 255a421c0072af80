import fs from 'node:fs';
import path from 'node:path';
import { botScopes } from '../../src/bots/slack/slack-bot';

const manifest = fs.readFileSync(path.resolve(__dirname, '../../deploy/slack-manifest.yml'), 'utf8');

test('the manifest declares every slash command the bot handles, pointing at /slack/events', () => {
  for (const command of ['/visit', '/customer', '/opp', '/sfa', '/report', '/quote', '/product']) expect(manifest).toContain(`- command: ${command}\n      url: https://sfa.example.com/slack/events`);
});

test('the manifest asks for exactly the scopes the OAuth installer requests', () => {
  const block = manifest.split('    bot:\n')[1]!.split('settings:')[0]!;
  const scopes = [...block.matchAll(/- ([a-z:.]+)/g)].map((m) => m[1]);
  expect(scopes.sort()).toEqual([...botScopes].sort());
});

test('events, interactivity and typeahead all use the one endpoint', () => {
  expect(manifest).toMatch(/request_url: https:\/\/sfa.example.com\/slack\/events\n    bot_events:/);
  expect(manifest).toContain('message_menu_options_url: https://sfa.example.com/slack/events');
  for (const event of ['app_home_opened', 'app_uninstalled', 'tokens_revoked']) expect(manifest).toContain(`- ${event}`);
});
