import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config';
import { migrate, openOrm, type MikroORM } from '../db/orm';
import { isDomainError } from '../domain/shared/domain-error';
import type { CommandContext, Output } from './context';
import { CliError, exitCodes, UsageError } from './errors';
import { importCustomersCommand } from './import-customers.command';
import { exportForecastCommand } from './export-forecast.command';
import { importOrdersCommand } from './import-orders.command';
import { importPriceRulesCommand } from './import-price-rules.command';
import { importProductsCommand } from './import-products.command';
import { importSignalRulesCommand } from './import-signal-rules.command';
import { importTierRulesCommand } from './import-tier-rules.command';
import { importUsersCommand } from './import-users.command';
import { migrateCommand } from './migrate.command';
import { retentionOptions, retentionRunCommand, retentionSetCommand, retentionShowCommand } from './retention.command';
import { seedDemoCommand } from './seed-demo.command';
import { tenantCreateCommand, tenantListCommand } from './tenant.command';
import { tenantExportCommand, tenantImportCommand } from './tenant-dump.command';

type OptionSpec = Record<string, { type: 'string' | 'boolean' }>;
type Parsed = { values: Record<string, string | boolean | undefined>; positionals: string[] };

type Command = {
  words: string[];
  usage: string;
  summary: string;
  options: OptionSpec;
  positionals: string[];
  /** Commands other than `migrate` bring the schema up to date first, as the server does on start. */
  migrateFirst: boolean;
  /** Checks across options that parseArgs cannot express; runs before the database is opened. */
  check?: (parsed: Parsed) => void;
  run: (ctx: CommandContext, parsed: Parsed) => Promise<number>;
};

const str = (v: string | boolean | undefined): string | undefined => (typeof v === 'string' ? v : undefined);
const importOptions: OptionSpec = { tenant: { type: 'string' }, 'skip-invalid': { type: 'boolean' } };

const commands: Command[] = [
  {
    words: ['migrate'],
    usage: 'sfa migrate',
    summary: 'apply pending database migrations',
    options: {},
    positionals: [],
    migrateFirst: false,
    run: (ctx) => migrateCommand(ctx),
  },
  {
    words: ['tenant', 'create'],
    usage: 'sfa tenant create <slug> [--name "..."] [--currency CNY] [--timezone Asia/Shanghai] [--locale zh-CN]',
    summary: 'create a tenant (defaults: USD, UTC, en)',
    options: { name: { type: 'string' }, currency: { type: 'string' }, timezone: { type: 'string' }, locale: { type: 'string' } },
    positionals: ['slug'],
    migrateFirst: true,
    run: (ctx, { values: v, positionals: [slug] }) =>
      tenantCreateCommand(ctx, { slug: slug!, name: str(v.name), currency: str(v.currency), timezone: str(v.timezone), locale: str(v.locale) }),
  },
  {
    words: ['tenant', 'list'],
    usage: 'sfa tenant list',
    summary: 'list tenants with their user and customer counts',
    options: {},
    positionals: [],
    migrateFirst: true,
    run: (ctx) => tenantListCommand(ctx),
  },
  {
    words: ['tenant', 'export'],
    usage: 'sfa tenant export <slug> [--out file.sql.gz]',
    summary: "one tenant's rows of every table, as a gzip'd psql script of COPY blocks (needs psql on PATH; see docs/operations/backups.md)",
    options: { out: { type: 'string' } },
    positionals: ['slug'],
    // A backup reads the database as it is: it never migrates it.
    migrateFirst: false,
    run: (ctx, { values: v, positionals: [slug] }) => tenantExportCommand(ctx, { slug: slug!, out: str(v.out) }),
  },
  {
    words: ['tenant', 'import'],
    usage: 'sfa tenant import <file.sql.gz>',
    summary: "load a tenant export in one transaction (a fresh database is migrated up to the dump's migrations first); refused when the migrations differ or the tenant (id, slug, workspace) is already here",
    options: {},
    positionals: ['file.sql.gz'],
    // Migrated up to the dump's own migrations, not this release's (see importTenant).
    migrateFirst: false,
    run: (ctx, { positionals: [file] }) => tenantImportCommand(ctx, { file: file! }),
  },
  {
    words: ['import', 'users'],
    usage: 'sfa import users <file.csv> [--tenant <slug>] [--skip-invalid]',
    summary: 'import users and the org tree (columns: email,name,role,org_unit,slack_user_id,teams_user_id,locale,timezone)',
    options: importOptions,
    positionals: ['file.csv'],
    migrateFirst: true,
    run: (ctx, { values: v, positionals: [file] }) => importUsersCommand(ctx, { file: file!, tenant: str(v.tenant), skipInvalid: v['skip-invalid'] === true }),
  },
  {
    words: ['import', 'customers'],
    usage: 'sfa import customers <file.csv> [--tenant <slug>] [--skip-invalid]',
    summary: 'import customers (columns: name,owner_email,region,industry,size,tier,phone,email,address,tags,external_id)',
    options: importOptions,
    positionals: ['file.csv'],
    migrateFirst: true,
    run: (ctx, { values: v, positionals: [file] }) => importCustomersCommand(ctx, { file: file!, tenant: str(v.tenant), skipInvalid: v['skip-invalid'] === true }),
  },
  {
    words: ['import', 'signal-rules'],
    usage: 'sfa import signal-rules <file.csv> [--tenant <slug>] [--skip-invalid]',
    summary: 'import signal rules (columns: name,type,count,days,sku,url,bump,active; sku=each counts each product apart; re-import updates by name)',
    options: importOptions,
    positionals: ['file.csv'],
    migrateFirst: true,
    run: (ctx, { values: v, positionals: [file] }) => importSignalRulesCommand(ctx, { file: file!, tenant: str(v.tenant), skipInvalid: v['skip-invalid'] === true }),
  },
  {
    words: ['import', 'products'],
    usage: 'sfa import products <file.csv> [--tenant <slug>] [--skip-invalid]',
    summary: 'import the product catalog (columns: sku,name,list_price,currency,description,specs,features,use_cases,active)',
    options: importOptions,
    positionals: ['file.csv'],
    migrateFirst: true,
    run: (ctx, { values: v, positionals: [file] }) => importProductsCommand(ctx, { file: file!, tenant: str(v.tenant), skipInvalid: v['skip-invalid'] === true }),
  },
  {
    words: ['import', 'tier-rules'],
    usage: 'sfa import tier-rules <file.csv> [--tenant <slug>] [--skip-invalid]',
    summary: 'replace the customer tier rules, in order, then recompute every tier (columns: name,position,tier,key_account,region,industry,size,won_revenue_min,interactions_min,pipeline_min; lists ;-separated)',
    options: importOptions,
    positionals: ['file.csv'],
    migrateFirst: true,
    run: (ctx, { values: v, positionals: [file] }) => importTierRulesCommand(ctx, { file: file!, tenant: str(v.tenant), skipInvalid: v['skip-invalid'] === true }),
  },
  {
    words: ['import', 'price-rules'],
    usage: 'sfa import price-rules <file.csv> [--tenant <slug>] [--skip-invalid]',
    summary: 'import price rules (columns: name,kind,sku,tier,customer_type,region,unit_price,percent,min_quantity,valid_from,valid_to,active)',
    options: importOptions,
    positionals: ['file.csv'],
    migrateFirst: true,
    run: (ctx, { values: v, positionals: [file] }) => importPriceRulesCommand(ctx, { file: file!, tenant: str(v.tenant), skipInvalid: v['skip-invalid'] === true }),
  },
  {
    words: ['import', 'orders'],
    usage: 'sfa import orders <file.csv> [--tenant <slug>] [--skip-invalid]',
    summary:
      'import order history as won deals, one line per order line (columns: order_id,order_date,customer,owner_email,region,sku,product_name,quantity,amount,currency; optional: category,discount,unit_price)',
    options: importOptions,
    positionals: ['file.csv'],
    migrateFirst: true,
    run: (ctx, { values: v, positionals: [file] }) => importOrdersCommand(ctx, { file: file!, tenant: str(v.tenant), skipInvalid: v['skip-invalid'] === true }),
  },
  {
    words: ['export', 'forecast'],
    usage: 'sfa export forecast [--tenant <slug>] [--by total|region|product|category] [--months N] [--as-of YYYY-MM] [--out file.csv]',
    summary: 'the company forecast as CSV (key,month,kind,value,low80,high80,low95,high95,baseline,factor,model); --as-of forecasts from the history before that month only',
    options: { tenant: { type: 'string' }, by: { type: 'string' }, months: { type: 'string' }, 'as-of': { type: 'string' }, out: { type: 'string' } },
    positionals: [],
    migrateFirst: true,
    run: (ctx, { values: v }) => exportForecastCommand(ctx, { tenant: str(v.tenant), by: str(v.by), months: str(v.months), asOf: str(v['as-of']), out: str(v.out) }),
  },
  {
    words: ['retention', 'show'],
    usage: 'sfa retention show [--tenant <slug>] [--archive-dir <dir>]',
    summary: 'how long each tenant keeps delivery records, settled outbox rows, chat request records and audit entries, and what audit is archived',
    options: { tenant: { type: 'string' }, 'archive-dir': { type: 'string' } },
    positionals: [],
    migrateFirst: true,
    run: (ctx, { values: v }) => retentionShowCommand(ctx, { tenant: str(v.tenant), archiveDir: str(v['archive-dir']) }),
  },
  {
    words: ['retention', 'set'],
    usage: 'sfa retention set [--tenant <slug>] [--deliveries <days>] [--outbox <days>] [--chat-requests <days>] [--audit <days>]',
    summary: 'change how many days a tenant keeps each kind of record ("default" to go back to the default; audit at least 365 and longest)',
    options: { tenant: { type: 'string' }, ...Object.fromEntries(Object.values(retentionOptions).map((o) => [o, { type: 'string' as const }])) },
    positionals: [],
    migrateFirst: true,
    run: (ctx, { values: v }) => retentionSetCommand(ctx, { tenant: str(v.tenant), days: Object.fromEntries(Object.entries(retentionOptions).map(([kind, o]) => [kind, str(v[o])])) }),
  },
  {
    words: ['retention', 'run'],
    usage: 'sfa retention run [--tenant <slug>] [--dry-run] [--archive-dir <dir>]',
    summary: 'apply retention now (all tenants unless --tenant): prints per table the rows past the cut-off, archived, pruned, and the table sizes; audit is archived to ARCHIVE_DIR first',
    options: { tenant: { type: 'string' }, 'dry-run': { type: 'boolean' }, 'archive-dir': { type: 'string' } },
    positionals: [],
    migrateFirst: true,
    run: (ctx, { values: v }) => retentionRunCommand(ctx, { tenant: str(v.tenant), dryRun: v['dry-run'] === true, archiveDir: str(v['archive-dir']) }),
  },
  {
    words: ['seed'],
    usage: 'sfa seed --demo [--tenant demo] [--reset]',
    summary: 'create a demo tenant with two years of sales data and two more of order history (--reset recreates it)',
    options: { demo: { type: 'boolean' }, tenant: { type: 'string' }, reset: { type: 'boolean' } },
    positionals: [],
    migrateFirst: true,
    check: ({ values: v }) => {
      if (v.demo !== true) throw new UsageError('seed needs --demo (demo data is the only kind there is)');
    },
    run: (ctx, { values: v }) => seedDemoCommand(ctx, { slug: str(v.tenant) ?? 'demo', reset: v.reset === true }),
  },
];

export function usageText(): string {
  return [
    'usage: sfa <command> [options]',
    '',
    ...commands.flatMap((c) => [`  ${c.usage}`, `      ${c.summary}`]),
    '',
    'Imports: the header row names the columns (any order); UTF-8 with or without BOM.',
    'A file with any bad row imports nothing unless --skip-invalid is given. Re-importing',
    'updates existing records (users by email, customers by name, products by SKU, signal rules by name); an empty',
    'cell never clears a stored value. Orders are matched by order_id: a re-imported order',
    'replaces the deal and lines it made; an order is imported whole or not at all.',
    '--tenant may be left out when there is exactly one tenant.',
    'The database is DATABASE_URL (default postgres://postgres@127.0.0.1:5432/sfa).',
  ].join('\n');
}

function findCommand(argv: string[]): { command: Command; rest: string[] } {
  const [first, second] = argv;
  const candidates = commands.filter((c) => c.words[0] === first);
  if (candidates.length === 0) throw new UsageError(`unknown command "${first}"`);
  const exact = candidates.find((c) => c.words.length === 1 || c.words[1] === second);
  if (!exact) {
    const choices = candidates.map((c) => c.words[1]).join(', ');
    throw new UsageError(second === undefined || second.startsWith('-') ? `${first} needs a subcommand: ${choices}` : `unknown command "${first} ${second}" (choices: ${choices})`);
  }
  return { command: exact, rest: argv.slice(exact.words.length) };
}

function parseCommandLine(command: Command, rest: string[]): Parsed | 'help' {
  let parsed: Parsed;
  try {
    parsed = parseArgs({ args: rest, options: { ...command.options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true }) as Parsed;
  } catch (err) {
    // parseArgs explains unknown options and missing option values well; keep its first sentence.
    throw new UsageError((err as Error).message.split('. ')[0]!.replace(/\.$/, ''));
  }
  if (parsed.values.help) return 'help';
  const expected = command.positionals;
  if (parsed.positionals.length < expected.length) throw new UsageError(`missing <${expected[parsed.positionals.length]}>`);
  if (parsed.positionals.length > expected.length) throw new UsageError(`unexpected argument "${parsed.positionals[expected.length]}"`);
  command.check?.(parsed);
  return parsed;
}

/** Hides a password in a database URL before it is printed. */
const redact = (url: string) => url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');

const stdio: Output = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** Runs one `sfa` command line; resolves to the process exit code (0 ok, 1 user error, 2 usage). */
export async function main(argv: string[], output: Output = stdio, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  if (argv.length === 0) {
    output.err(usageText());
    return exitCodes.usage;
  }
  if (['help', '--help', '-h'].includes(argv[0]!)) {
    output.out(usageText());
    return exitCodes.ok;
  }
  let command: Command;
  let parsed: Parsed;
  try {
    const found = findCommand(argv);
    command = found.command;
    const result = parseCommandLine(command, found.rest);
    if (result === 'help') {
      output.out(`usage: ${command.usage}\n  ${command.summary}`);
      return exitCodes.ok;
    }
    parsed = result;
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    output.err(`sfa: ${err.message}`);
    output.err('run "sfa help" for the list of commands');
    return exitCodes.usage;
  }

  let config;
  try {
    config = loadConfig(env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    output.err(err.message);
    return exitCodes.userError;
  }

  let orm: MikroORM;
  try {
    orm = await openOrm(config.databaseUrl);
  } catch (err) {
    output.err(`cannot open the database at ${redact(config.databaseUrl)}: ${(err as Error).message}`);
    return exitCodes.userError;
  }
  try {
    if (command.migrateFirst) {
      const applied = await migrate(orm);
      if (applied.length > 0) output.err(`(applied ${applied.length} pending migration${applied.length === 1 ? '' : 's'} first)`);
    }
    return await command.run({ ...output, orm }, parsed);
  } catch (err) {
    if (err instanceof CliError || isDomainError(err)) {
      err.message.split('\n').forEach((line) => output.err(line));
      return exitCodes.userError;
    }
    // Unexpected (a lost connection, a bug): one line for the person, nothing half-written
    // since every command runs in one transaction.
    output.err(`sfa ${command.words.join(' ')} failed: ${(err as Error).message ?? String(err)}`);
    if (env.SFA_DEBUG) output.err((err as Error).stack ?? '');
    return exitCodes.userError;
  } finally {
    await orm.close(true);
  }
}
