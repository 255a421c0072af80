import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { commands } from '../../src/bots/registry';
import { botScopes } from '../../src/bots/slack/slack-bot';

const text = fs.readFileSync(path.resolve(__dirname, '../../deploy/slack-manifest.yml'), 'utf8');
const manifest = parse(text) as {
  features: { slash_commands: Array<{ command: string; url: string; should_escape: boolean; description: string }> };
  oauth_config: { scopes: { bot: string[] } };
  settings: { event_subscriptions: { request_url: string; bot_events: string[] }; interactivity: { request_url: string; message_menu_options_url: string } };
};

test('the manifest declares exactly the registry’s slash commands, each pointing at /slack/events with its escaping', () => {
  const declared = manifest.features.slash_commands.map((c) => ({ command: c.command, url: c.url, escapes: c.should_escape }));
  const expected = commands.map((c) => ({ command: `/${c.name}`, url: 'https://sfa.example.com/slack/events', escapes: c.slackEscapes }));
  expect(declared.sort((a, b) => a.command.localeCompare(b.command))).toEqual(expected.sort((a, b) => a.command.localeCompare(b.command)));
  for (const c of manifest.features.slash_commands) expect(c.description.length).toBeLessThanOrEqual(100);
});

test('the manifest asks for exactly the scopes the OAuth installer requests', () => {
  expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([...botScopes].sort());
});

test('events, interactivity and typeahead all use the one endpoint', () => {
  expect(manifest.settings.event_subscriptions.request_url).toBe('https://sfa.example.com/slack/events');
  expect(manifest.settings.interactivity).toMatchObject({ request_url: 'https://sfa.example.com/slack/events', message_menu_options_url: 'https://sfa.example.com/slack/events' });
  expect(manifest.settings.event_subscriptions.bot_events.sort()).toEqual(['app_home_opened', 'app_uninstalled', 'tokens_revoked']);
});
