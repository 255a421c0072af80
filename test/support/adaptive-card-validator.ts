import Ajv from 'ajv';
import draft6 from 'ajv/dist/refs/json-schema-draft-06.json';
import schemaFile from './schemas/adaptive-card-1.5.json';

// The UMD bundle: the package's ES module build does not load under Node.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const AdaptiveCards = require('adaptivecards/dist/adaptivecards.js') as typeof import('adaptivecards');

const ajv = new Ajv({ strict: false, allErrors: true, logger: false });
ajv.addMetaSchema(draft6);
// The published schema names itself with draft-04's `id`; ajv wants `$id`.
const { id, ...schema } = schemaFile as Record<string, unknown>;
const validate = ajv.compile({ ...schema, $id: String(id) });

export const maxCardBytes = 80 * 1024;

/**
 * What is wrong with a card for Teams: the Adaptive Cards 1.5 JSON schema, the adaptivecards
 * library's own parser at version 1.5, and the 80 KB we keep under Teams' 100 KB message limit.
 */
export function adaptiveCardProblems(card: unknown): string[] {
  const problems: string[] = [];
  if (!validate(card)) problems.push(...(validate.errors ?? []).slice(0, 10).map((e) => `schema: ${e.instancePath || '/'} ${e.message}`));
  const parsed = new AdaptiveCards.AdaptiveCard();
  const context = new AdaptiveCards.SerializationContext(AdaptiveCards.Versions.v1_5);
  parsed.parse(card as never, context);
  for (let i = 0; i < context.eventCount; i++) problems.push(`adaptivecards: ${context.getEventAt(i).message}`);
  const bytes = Buffer.byteLength(JSON.stringify(card), 'utf8');
  if (bytes > maxCardBytes) problems.push(`${bytes} bytes, over ${maxCardBytes}`);
  return problems;
}
