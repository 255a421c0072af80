import { z } from 'zod';

/**
 * The id of the chat request that asks for a write (e.g. a Slack trigger id), kept on what it
 * creates. Unique per tenant: the database refuses a second record for one request. Repeats are
 * answered before they get that far, from the chat layer's request log.
 */
export const sourceKeyText = z.string().trim().min(1).max(100).optional();
