import { randomUUID } from 'node:crypto';
import { CardFactory } from 'botbuilder';
import { z } from 'zod';
import type { Translate } from '../../cards/i18n/i18n';
import type { FormModel } from '../../cards/reply-model';
import { renderAdaptiveCard, renderDialogLauncher, type AdaptiveCard } from '../../cards/teams/adaptive-card';
import type { Reply } from '../pipeline/context';
import { replyCard } from '../pipeline/reply-card';
import { formNamed } from '../pipeline/tables';

export const cardActivity = (card: AdaptiveCard) => ({ attachments: [CardFactory.adaptiveCard(card)] });

/**
 * Each opening of a dialog carries a key of its own (`_k`): Teams gives each submission a new
 * activity id, so a dialog submitted twice is recognised by its key — while the same launcher
 * opened again (a second visit to log) is a new form.
 */
export const withFormKey = (form: FormModel): FormModel => ({ ...form, metadata: { ...(form.metadata ?? {}), _k: randomUUID() } });

/** A reply as a Teams card: a form becomes a card whose button opens it as a dialog. */
export function renderReply(reply: Reply, t: Translate): AdaptiveCard {
  return reply.type === 'form' ? renderDialogLauncher(reply.form, t('common.open')) : renderAdaptiveCard(replyCard(reply, t));
}

const text = (max: number) => z.string().max(max);
const option = z.object({ label: text(200), value: text(200) });
const fieldModel = z
  .object({ id: text(64), label: text(300), type: z.enum(['text', 'datetime', 'date', 'number', 'select', 'customer']), optional: z.boolean().optional(), options: z.array(option).max(100).optional() })
  .passthrough();
const formModelSchema = z.object({
  kind: z.literal('form'),
  formId: text(40),
  title: text(200),
  submit: text(100),
  close: text(100),
  fields: z.array(fieldModel).max(30),
  metadata: z.record(text(200)).optional(),
});

/**
 * A form echoed back in a dialog's data (Teams keeps no state for us): only one of our forms, with
 * exactly its fields, bounded — what the person sees, never what decides anything.
 */
export function echoedForm(value: unknown): FormModel | null {
  const parsed = formModelSchema.safeParse(value);
  if (!parsed.success) return null;
  const spec = formNamed(parsed.data.formId)?.fields;
  if (!spec || parsed.data.fields.some((f) => spec[f.id]?.type !== f.type)) return null;
  return parsed.data as unknown as FormModel;
}
