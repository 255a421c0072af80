import { z } from 'zod';

/**
 * The id of the chat request that asks for a write (e.g. a Slack trigger id). A use case given
 * one returns what an earlier run of the same request created instead of writing again, so a
 * queued command retried after a crash has its effect once.
 */
export const sourceKeyText = z.string().trim().min(1).max(100).optional();
