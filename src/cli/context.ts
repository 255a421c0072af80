import type { MikroORM } from '../db/orm';

/** Where a command prints: stdout for results, stderr for problems (tests collect both). */
export type Output = { out: (line: string) => void; err: (line: string) => void };

export type CommandContext = Output & { orm: MikroORM };
