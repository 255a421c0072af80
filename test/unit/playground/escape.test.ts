import { escapedAsSlackDoes } from '../../../src/playground/playground';

const channels = [{ id: 'C0SALES', name: 'sales' }, { id: 'C0TEAM1', name: 'east' }];
const people = [{ slackUserId: 'UANNA', name: 'Anna' }, { slackUserId: 'UANNAS', name: 'Anna Schmidt' }, { slackUserId: 'ULI', name: '李强' }];

test('channels and people are sent as Slack sends them for commands that escape', () => {
  expect(escapedAsSlackDoes('subscribe weekly #sales 09:00', channels, people)).toBe('subscribe weekly <#C0SALES|sales> 09:00');
  expect(escapedAsSlackDoes('admin role @Anna Schmidt manager', channels, people)).toBe('admin role <@UANNAS|Anna Schmidt> manager');
  expect(escapedAsSlackDoes('admin role @Anna rep', channels, people)).toBe('admin role <@UANNA|Anna> rep');
  expect(escapedAsSlackDoes('admin manager Sales/North @李强', channels, people)).toBe('admin manager Sales/North <@ULI|李强>');
});

test('what names nothing here stays as typed', () => {
  expect(escapedAsSlackDoes('subscribe weekly #nowhere and @nobody', channels, people)).toBe('subscribe weekly #nowhere and @nobody');
  expect(escapedAsSlackDoes('email a@b.c', channels, people)).toBe('email a@b.c');
});
