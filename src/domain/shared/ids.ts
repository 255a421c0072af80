import { randomUUID } from 'node:crypto';

export const newId = (): string => randomUUID();

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A UUID in text; anything else (an object a client slipped in, a number) is not. */
export const isUuid = (value: unknown): value is string => typeof value === 'string' && uuidPattern.test(value);
