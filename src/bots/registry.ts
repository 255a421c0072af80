import { sfaCommand, sfaWrites } from './admin/sfa.command';
import { customerCommand } from './customers/customer.command';
import { forecastCommand, forecastWrites } from './forecasts/forecast.command';
import { oppCommand, oppWrites } from './opportunities/opp.command';
import type { CommandContext, CommandResult, Platform } from './pipeline/context';
import { productCommand } from './products/product.command';
import { quoteCommand, quoteWrites } from './quotes/quote.command';
import { reportCommand, reportWrites } from './reports/report.command';
import { visitCommand, visitWrites } from './visits/visit.command';

/**
 * How a command's text affects things: `false` reads (or opens a form); `inline` writes quickly
 * and is answered in the request; `queued` is acknowledged at once and run by the worker, which
 * answers later. Every write runs once per request, however often the request arrives.
 */
export type Writes = 'queued' | 'inline' | false;

export type CommandEntry = {
  /** The Slack slash command without the slash, and the word typed to the Teams bot. */
  name: string;
  /** Other words that pick it when typed (Teams messages). */
  aliases: readonly string[];
  /** Its line in the overview help (`help.summary.<name>`) and its own help text (`help.<name>`). */
  help: string;
  /** What the Teams app package offers as you type (English; Teams shows it as is). */
  teamsHint: string;
  /** Slack sends mentions and channels in it as ids (`<@U1>`, `<#C1>`): the manifest's should_escape. */
  slackEscapes: boolean;
  writes: (text: string) => Writes;
  run: (ctx: CommandContext, text: string) => Promise<CommandResult>;
};

const reads = (): Writes => false;

/** Every command, once. The Slack listener, the Teams router, both helps, the app package and the manifest test read this. */
export const commands: readonly CommandEntry[] = [
  { name: 'visit', aliases: ['拜访'], help: 'visit', teamsHint: 'Log or plan a customer visit: visit ACME met the CFO · visit plan ACME tomorrow 10am', slackEscapes: false, writes: visitWrites, run: visitCommand },
  { name: 'customer', aliases: ['客户'], help: 'customer', teamsHint: 'Look up a customer: customer ACME · customer pool', slackEscapes: false, writes: reads, run: customerCommand },
  { name: 'opp', aliases: ['opportunity', '商机'], help: 'opp', teamsHint: 'Your opportunities: opp · opp team · opp new ACME 50k Pilot', slackEscapes: false, writes: oppWrites, run: oppCommand },
  { name: 'quote', aliases: ['报价'], help: 'quote', teamsHint: 'Price a quote: quote ACME 10 x SKU-1 discount 5%', slackEscapes: false, writes: quoteWrites, run: quoteCommand },
  { name: 'product', aliases: ['产品'], help: 'product', teamsHint: 'Look up a product: product widget', slackEscapes: false, writes: reads, run: productCommand },
  { name: 'forecast', aliases: ['预测'], help: 'forecast', teamsHint: 'Sales forecast with a chart: forecast 6 team by product', slackEscapes: false, writes: forecastWrites, run: forecastCommand },
  { name: 'report', aliases: ['报表'], help: 'report', teamsHint: 'A report with charts: report weekly team', slackEscapes: true, writes: reportWrites, run: reportCommand },
  { name: 'sfa', aliases: [], help: 'admin', teamsHint: 'Admin commands: sfa admin', slackEscapes: true, writes: sfaWrites, run: (ctx, text) => sfaCommand(ctx, text, () => overviewHelp(ctx)) },
];

/** Words that, typed alone (or nothing at all), ask for the overview help. */
export const helpWords: readonly string[] = ['help', '帮助', '?', '？'];

const byWord = new Map<string, CommandEntry>(commands.flatMap((c) => [c.name, ...c.aliases].map((w) => [w.toLowerCase(), c] as const)));

export const commandNamed = (word: string): CommandEntry | undefined => byWord.get(word.toLowerCase());

/** A typed message: its first word picks the command; anything else (or nothing) gets the overview help. */
export function routeText(text: string): { entry: CommandEntry; rest: string } {
  const [first = '', ...rest] = text.trim().replace(/^\//, '').split(/\s+/);
  const entry = commandNamed(first);
  if (!entry) return { entry: sfa, rest: 'help' };
  return { entry, rest: rest.join(' ') };
}

const sfa = commands.find((c) => c.name === 'sfa')!;

const platformNames: Record<Platform, string> = { slack: 'Slack', teams: 'Microsoft Teams' };

/** What the bot can do, from the registry: one line per command. Teams cards show the commands without their slash. */
export function overviewHelp(ctx: Pick<CommandContext, 't' | 'platform'>): string {
  const { t } = ctx;
  const list = commands.filter((c) => c.name !== 'sfa').map((c) => `\`/${c.name}\` ${t(`help.summary.${c.name}`)}`);
  return [`*${t('help.overview.title', { platform: platformNames[ctx.platform] })}*`, list.join(' · '), t('help.overview.footer')].join('\n');
}
