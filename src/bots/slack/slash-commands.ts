import type { CommandContext, CommandResult } from '../commands/command-context';
import { customerCommand } from '../commands/customer.command';
import { oppCommand } from '../commands/opp.command';
import { reportCommand } from '../commands/report.command';
import { productCommand, quoteCommand } from '../commands/quote.command';
import { sfaCommand } from '../commands/sfa.command';
import { visitCommand } from '../commands/visit.command';

export type SlashCommand = 'visit' | 'customer' | 'opp' | 'sfa' | 'report' | 'quote' | 'product';

/** The Slack slash commands (without the slash) and the platform-neutral handler each runs. */
export const slashCommands: Record<SlashCommand, (ctx: CommandContext, text: string) => Promise<CommandResult>> = {
  visit: visitCommand,
  customer: customerCommand,
  opp: oppCommand,
  sfa: sfaCommand,
  report: reportCommand,
  quote: quoteCommand,
  product: productCommand,
};

export const isSlashCommand = (name: string): name is SlashCommand => Object.hasOwn(slashCommands, name);
