import type { z } from 'zod';
import type { DomainError } from '../../domain/shared/domain-error';
import type { CommandContext, CommandResult, FormResult } from './context';
import type { FieldSpecs, FormValues } from './form-spec';

/**
 * Whether running a handler twice for one delivery could change something twice. Writes run at
 * most once per idempotency key: a repeat gets the first run's reply.
 */
export type Effect = 'read' | 'write';

/** A button: its value's schema (parsed before the handler sees it), its effect, and what it does. */
export type ActionHandler<V = unknown> = {
  value: z.ZodType<V, z.ZodTypeDef, unknown>;
  effect: Effect;
  run: (ctx: CommandContext, value: V) => Promise<CommandResult>;
  /**
   * A better answer to a refusal than the error text (the current state of what was clicked, say).
   * Runs after everything `run` did was rolled back, in a transaction of its own; null: the error text.
   */
  onRefusal?: (ctx: CommandContext, value: V, err: DomainError) => Promise<CommandResult | null>;
};

// The value type is checked where each handler is defined; the table only needs to call them.
export const defineAction = <V>(handler: ActionHandler<V>): ActionHandler<any> => handler; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A form: its fields, the schema of what it carries (ids the submission needs), and what submitting does. */
export type FormHandler<M = unknown, S extends FieldSpecs = FieldSpecs> = {
  fields: S;
  metadata: z.ZodType<M, z.ZodTypeDef, unknown>;
  submit: (ctx: CommandContext, metadata: M, values: FormValues<S>) => Promise<FormResult>;
  /** As for buttons; without it a refusal shows under the field it is about. */
  onRefusal?: (ctx: CommandContext, metadata: M, values: FormValues<S>, err: DomainError) => Promise<FormResult | null>;
};

/** The table only passes checked values through; each form's own types are checked where it is defined. */
export type AnyFormHandler = { fields: FieldSpecs; metadata: z.ZodType<unknown, z.ZodTypeDef, unknown>; submit: (ctx: CommandContext, metadata: any, values: any) => Promise<FormResult>; onRefusal?: (ctx: CommandContext, metadata: any, values: any, err: DomainError) => Promise<FormResult | null> }; // eslint-disable-line @typescript-eslint/no-explicit-any

export const defineForm = <M, S extends FieldSpecs>(handler: FormHandler<M, S>): AnyFormHandler => handler as AnyFormHandler;
