import fs from 'node:fs';
import path from 'node:path';
import { compileErrors, dereference, validate } from '@readme/openapi-parser';
import YAML from 'yaml';
import { signalTypes } from '../../../src/domain/signals/signal-event.entity';
import { checkSignalBatch, signalLimits } from '../../../src/domain/signals/signal-input';
import { signalBatchJsonSchema } from '../../../src/domain/signals/signal-schema';

const file = path.resolve(__dirname, '../../../docs/api/signals.openapi.yaml');
/* eslint-disable @typescript-eslint/no-explicit-any */
const doc: any = YAML.parse(fs.readFileSync(file, 'utf8'));
const schemas = doc.components.schemas;

test('the OpenAPI description of POST /api/signals is valid OpenAPI 3.1', async () => {
  const result = await validate(structuredClone(doc));
  if (!result.valid) throw new Error(compileErrors(result));
  expect(doc.openapi).toBe('3.1.0');
});

test('the request body schema it documents is the very schema the endpoint validates with', async () => {
  const resolved: any = await dereference(structuredClone(doc));
  // The YAML splits it into SignalBatch, SignalEvent and CustomerRef with $refs; resolved, it is the TS object, keyword for keyword.
  expect(resolved.components.schemas.SignalBatch).toEqual(signalBatchJsonSchema);
  expect(doc.paths['/api/signals'].post.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/SignalBatch' });
  // And its example is a batch the endpoint takes whole (its dates moved to now, which the clock check needs).
  const example = structuredClone(doc.paths['/api/signals'].post.requestBody.content['application/json'].examples.two.value);
  for (const event of example.events) event.at = new Date().toISOString();
  expect(checkSignalBatch(example, new Date())).toEqual({ accepted: 2, duplicates: 0, rejected: [], skip: [] });
});

test('the limits it documents are the ones the code enforces', () => {
  const event = schemas.SignalEvent.properties;
  const customer = schemas.CustomerRef.properties;
  expect(doc.info['x-sfa-limits']).toEqual({
    maxEvents: signalLimits.maxEvents,
    maxBodyBytes: signalLimits.maxBodyBytes,
    signatureWindowSeconds: signalLimits.signatureWindowSeconds,
    maxFutureSeconds: signalLimits.maxFutureSeconds,
    maxAgeDays: signalLimits.maxAgeDays,
    maxPropertiesBytes: signalLimits.maxPropertiesBytes,
    maxPropertiesKeys: signalLimits.maxPropertiesKeys,
  });
  expect(schemas.SignalBatch.properties.events).toMatchObject({ minItems: 1, maxItems: signalLimits.maxEvents });
  expect(doc.paths['/api/signals'].post.requestBody['x-max-body-bytes']).toBe(signalLimits.maxBodyBytes);
  expect(event.id).toMatchObject({ minLength: 1, maxLength: signalLimits.maxIdLength });
  expect(event.type.enum).toEqual([...signalTypes]);
  expect(event.at).toMatchObject({ 'x-max-future-seconds': signalLimits.maxFutureSeconds, 'x-max-age-days': signalLimits.maxAgeDays });
  expect(event.product_sku.maxLength).toBe(signalLimits.maxSkuLength);
  expect(event.url.maxLength).toBe(signalLimits.maxUrlLength);
  expect(event.properties).toMatchObject({ maxProperties: signalLimits.maxPropertiesKeys, 'x-max-bytes': signalLimits.maxPropertiesBytes });
  expect(customer.email.maxLength).toBe(signalLimits.maxEmailLength);
  expect(customer.domain.maxLength).toBe(signalLimits.maxDomainLength);
  expect(customer.name.maxLength).toBe(signalLimits.maxNameLength);
  expect(customer.external_id.maxLength).toBe(signalLimits.maxExternalIdLength);
  expect(doc.components.securitySchemes.sfaTimestamp['x-signature-window-seconds']).toBe(signalLimits.signatureWindowSeconds);
  // The prose says the same numbers.
  const post = doc.paths['/api/signals'].post;
  expect(post.description).toContain(`within ${signalLimits.signatureWindowSeconds} seconds`);
  expect(post.responses['413'].description).toContain(`More than ${signalLimits.maxEvents} events`);
  expect(event.properties.description).toContain(`${signalLimits.maxPropertiesKeys} keys and ${signalLimits.maxPropertiesBytes} bytes`);
});

test('every refusal code the endpoint answers is documented', () => {
  const src = fs.readFileSync(path.resolve(__dirname, '../../../src/http/signals-auth.ts'), 'utf8');
  const codes = /export type AuthRefusal = ([^;]+);/.exec(src)![1]!.split('|').map((s) => s.trim().replace(/'/g, ''));
  expect([...schemas.AuthError.properties.error.enum].sort()).toEqual(codes.sort());
  const endpoint = fs.readFileSync(path.resolve(__dirname, '../../../src/http/signals-endpoint.ts'), 'utf8');
  for (const code of ['bad_request', 'batch_too_large', 'payload_too_large', 'not_configured', 'try_again']) {
    expect(endpoint).toContain(`'${code}'`);
    expect(schemas.Error.properties.error.enum).toContain(code);
  }
  expect(Object.keys(doc.paths['/api/signals'].post.responses).sort()).toEqual(['202', '400', '401', '413', '422', '429', '503']);
});
