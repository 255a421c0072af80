import { parseOppCommand, parseVisitCommand } from './command-grammar';
import { parseQuoteCommand } from './quote-grammar';

/**
 * Commands that write (log or plan a visit, create an opportunity) are acknowledged at once and
 * run from the queue, so a burst of them costs the web process one Redis write each. Reads, help
 * and forms run inline: a form must open within the 3 s its trigger lives, and a read is quick.
 * Only the shape of the text decides; the time zone does not change which kind a command is.
 */
export function runsQueued(command: 'visit' | 'customer' | 'opp' | 'sfa' | 'report' | 'quote' | 'product', text: string): boolean {
  if (command === 'visit') {
    const kind = parseVisitCommand(text, { timezone: 'UTC', now: new Date() }).kind;
    return kind === 'log' || kind === 'plan';
  }
  if (command === 'opp') return parseOppCommand(text).kind === 'new';
  if (command === 'quote') return parseQuoteCommand(text).kind === 'create';
  return false;
}
