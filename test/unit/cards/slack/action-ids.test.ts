import { ACTION_IDS, actionIdPattern, actionOf, isActionId, slackActionId } from '../../../../src/cards/slack';

describe('action id helpers', () => {
  it('pattern matches the plain and the indexed id, not a longer action', () => {
    const re = actionIdPattern('visit.cancel');
    expect(re.source).toBe('^visit\\.cancel(:|$)');
    expect(re.test('visit.cancel')).toBe(true);
    expect(re.test('visit.cancel:12')).toBe(true);
    expect(re.test('visitXcancel:1')).toBe(false);
    expect(re.test('visit.cancel_all:1')).toBe(false);
    expect(re.test('x.visit.cancel:1')).toBe(false);
  });

  it('actionOf inverts slackActionId for every known action', () => {
    for (const action of ACTION_IDS) {
      expect(actionOf(slackActionId(action, 7))).toBe(action);
      expect(actionOf(action)).toBe(action);
      expect(actionIdPattern(action).test(slackActionId(action, 0))).toBe(true);
    }
  });

  it('patterns of different actions do not overlap', () => {
    for (const a of ACTION_IDS) {
      for (const b of ACTION_IDS) {
        expect(actionIdPattern(a).test(slackActionId(b, 3))).toBe(a === b);
      }
    }
  });

  it('rejects ids it never rendered', () => {
    expect(() => actionOf('visit.explode:1')).toThrow(/Unknown/);
    expect(isActionId('customer.claim')).toBe(true);
    expect(isActionId('customer')).toBe(false);
  });
});
