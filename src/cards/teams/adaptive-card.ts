import type { Button, CardModel, FormFieldModel, FormModel } from '../reply-model';

/**
 * Pure functions: platform-neutral reply models → Adaptive Cards (schema 1.5) for Teams. Buttons
 * are `Action.Execute` with the action id as the verb and the button's value as data, so Teams
 * sends them back as `adaptiveCard/action` invokes the bot answers with the next card.
 */

export type AdaptiveCard = { type: 'AdaptiveCard'; $schema: string; version: '1.5'; body: unknown[]; actions?: unknown[] };

const schemaUrl = 'http://adaptivecards.io/schemas/adaptive-card.json';

/**
 * Teams renders a markdown subset: Slack's *bold* becomes **bold**. Commands are typed to the Teams
 * bot without a slash, so an example written as `/visit …` reads `visit …`.
 */
export function toTeamsMarkdown(text: string): string {
  return text.replace(/(^|[\s(（“：:])\*([^*\s](?:[^*\n]*[^*\s])?)\*(?=$|[\s).,;:!?，。；：！？）”])/g, '$1**$2**').replace(/`\/(?=[a-z])/g, '`');
}

const toneStyle = { ok: 'good', info: 'accent', warn: 'warning', error: 'attention' } as const;

function action(button: Button): Record<string, unknown> {
  const execute = { type: 'Action.Execute', title: button.label, verb: button.action, data: { value: button.value }, ...(button.style === 'primary' ? { style: 'positive' } : button.style === 'danger' ? { style: 'destructive' } : {}) };
  if (!button.confirm) return execute;
  // No confirmation dialog in Adaptive Cards: the button opens a small card that asks first.
  return {
    type: 'Action.ShowCard',
    title: button.label,
    card: { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: button.confirm.text, wrap: true }], actions: [{ ...execute, title: button.confirm.ok }] },
  };
}

export function renderAdaptiveCard(card: CardModel): AdaptiveCard {
  const body: unknown[] = [];
  if (card.header) {
    body.push({
      type: 'Container',
      ...(card.tone ? { style: toneStyle[card.tone] } : {}),
      items: [{ type: 'TextBlock', text: card.header, weight: 'Bolder', size: 'Medium', wrap: true }],
    });
  }
  if (card.text) {
    const text = { type: 'TextBlock', text: toTeamsMarkdown(card.text), wrap: true };
    body.push(card.header || !card.tone ? text : { type: 'Container', style: toneStyle[card.tone], items: [text] });
  }
  if (card.fields?.length) body.push({ type: 'FactSet', facts: card.fields.map((f) => ({ title: f.label, value: f.value.trim() || '—' })) });
  for (const section of card.sections ?? []) {
    const items: unknown[] = [];
    if (section.title) items.push({ type: 'TextBlock', text: section.title, weight: 'Bolder', wrap: true });
    for (const line of section.lines) items.push({ type: 'TextBlock', text: toTeamsMarkdown(line), wrap: true, spacing: 'Small' });
    if (section.buttons?.length) items.push({ type: 'ActionSet', actions: section.buttons.map(action) });
    if (items.length) body.push({ type: 'Container', separator: true, items });
  }
  if (card.pager) {
    const moves = [card.pager.previous, card.pager.next].filter((b): b is Button => !!b);
    body.push({ type: 'TextBlock', text: card.pager.label, isSubtle: true, size: 'Small', wrap: true });
    if (moves.length) body.push({ type: 'ActionSet', actions: moves.map(action) });
  }
  for (const line of card.context ?? []) body.push({ type: 'TextBlock', text: toTeamsMarkdown(line), isSubtle: true, size: 'Small', wrap: true });
  if (body.length === 0) body.push({ type: 'TextBlock', text: ' ', wrap: true });
  return { type: 'AdaptiveCard', $schema: schemaUrl, version: '1.5', body, ...(card.buttons?.length ? { actions: card.buttons.map(action) } : {}) };
}

function input(field: FormFieldModel): unknown[] {
  const base = { id: field.id, label: field.label, isRequired: !field.optional, ...(field.optional ? {} : { errorMessage: field.label }) };
  switch (field.type) {
    case 'text':
      return [{ type: 'Input.Text', ...base, isMultiline: field.multiline ?? false, ...(field.placeholder ? { placeholder: field.placeholder } : {}), ...(field.initial ? { value: field.initial } : {}), ...(field.maxLength ? { maxLength: field.maxLength } : {}) }];
    case 'number':
      return [{ type: 'Input.Number', ...base, ...(field.initial ? { value: Number(field.initial) } : {}) }];
    case 'date':
      return [{ type: 'Input.Date', ...base, ...(field.initial ? { value: field.initial } : {}) }];
    case 'datetime': {
      // Two inputs: Teams has no combined date-time picker. The submission joins `<id>` and `<id>.time`.
      // A form carried through a dialog's data arrives as JSON: its date is a string then.
      const iso = field.initial ? new Date(field.initial).toISOString() : undefined;
      return [
        { type: 'Input.Date', ...base, ...(iso ? { value: iso.slice(0, 10) } : {}) },
        { type: 'Input.Time', id: `${field.id}.time`, label: ' ', isRequired: !field.optional, ...(iso ? { value: iso.slice(11, 16) } : {}) },
      ];
    }
    case 'select':
      return [{ type: 'Input.ChoiceSet', ...base, style: 'compact', choices: field.options.map((o) => ({ title: o.label, value: o.value })), ...(field.initial ? { value: field.initial } : {}) }];
    case 'customer':
      // Schema 1.5 has no server-side typeahead: the customer is typed by name and resolved on submit.
      return [{ type: 'Input.Text', ...base, ...(field.placeholder ? { placeholder: field.placeholder } : {}), ...(field.initial ? { value: field.initial.label } : {}) }];
  }
}

/**
 * A form as a card with inputs; submitting sends `form:<formId>` with the metadata, the field
 * types and the values. In a dialog (task module) the submit is an Action.Submit, which Teams
 * turns into `task/submit`; a problem from the last attempt shows above the inputs.
 */
export function renderAdaptiveForm(form: FormModel, opts: { inDialog?: boolean; problem?: string } = {}): AdaptiveCard {
  const data = { metadata: form.metadata ?? {}, fields: form.fields.map((f) => `${f.id}:${f.type}`).join(',') };
  return {
    type: 'AdaptiveCard',
    $schema: schemaUrl,
    version: '1.5',
    body: [
      { type: 'TextBlock', text: form.title, weight: 'Bolder', size: 'Medium', wrap: true },
      ...(opts.problem ? [{ type: 'TextBlock', text: opts.problem, color: 'Attention', wrap: true }] : []),
      ...form.fields.flatMap(input),
    ],
    actions: [
      opts.inDialog
        ? { type: 'Action.Submit', title: form.submit, data: { ...data, verb: dialogSubmitVerb, formId: form.formId, form }, style: 'positive' }
        : { type: 'Action.Execute', title: form.submit, verb: `form:${form.formId}`, data, style: 'positive' },
    ],
  };
}

export const dialogOpenVerb = 'dialog.open';
export const dialogSubmitVerb = 'dialog.submit';

/** In a chat: a card whose button opens the form as a Teams dialog (task module). */
export function renderDialogLauncher(form: FormModel, label: string): AdaptiveCard {
  return {
    type: 'AdaptiveCard',
    $schema: schemaUrl,
    version: '1.5',
    body: [{ type: 'TextBlock', text: form.title, weight: 'Bolder', wrap: true }],
    actions: [{ type: 'Action.Submit', title: label, data: { msteams: { type: 'task/fetch' }, verb: dialogOpenVerb, form } }],
  };
}

/** Bytes of a card as Teams receives it (the message limit is 100 KB; we keep under 80 KB). */
export const cardBytes = (card: AdaptiveCard): number => Buffer.byteLength(JSON.stringify(card), 'utf8');
