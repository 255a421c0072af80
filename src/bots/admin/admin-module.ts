import type { CardModel } from '../../cards/reply-model';
import type { CommandContext } from '../pipeline/context';
import type { Token } from '../shared/grammar';

/**
 * One area's admin verbs (`/sfa admin scoring …`, `/sfa admin tiers …`): its grammar, whether a
 * parsed command changes something, and what it does. The area keeps all three in its own file;
 * `adminModules` lists them, and the `/sfa` command reaches them after checking the admin role.
 */
export type AdminModule<P = unknown> = {
  /** The words after `admin` that pick this module (English and Chinese). */
  verbs: readonly string[];
  /** `args` are the tokens after the verb; `argText` gives their text as typed. Returns the parsed command or a usage card. */
  parse: (args: Token[], argText: (from: Token[]) => string) => P | { invalid: string };
  /**
   * `false` reads; `inline` writes quickly in the request; `queued` is acknowledged at once and run
   * by the worker (re-scoring every open deal). Writes run once per request however often it arrives.
   */
  writes: (parsed: P) => 'inline' | 'queued' | false;
  run: (ctx: CommandContext, parsed: P) => Promise<CardModel>;
};

// Each module keeps its parsed type; the table only needs to call them in order.
export const defineAdminModule = <P>(module: AdminModule<P>): AdminModule<any> => module; // eslint-disable-line @typescript-eslint/no-explicit-any
