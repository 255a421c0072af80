import type { TurnContext } from 'botbuilder';
import type { CommandIntake, Release } from '../../jobs/command-intake';
import type { Logger } from '../../logger';
import type { RawFormValues } from '../pipeline/form-spec';
import type { Interaction } from '../pipeline/interaction';
import { failedOutcome, type ChatPipeline, type Outcome } from '../pipeline/pipeline';
import { formNamed } from '../pipeline/tables';
import type { TeamsDirectory } from './teams-directory';

/** What the Teams handlers share. */
export type TeamsDeps = { pipeline: ChatPipeline; directory: TeamsDirectory; intake?: CommandIntake; logger: Logger };

/** Work to do once the HTTP response has gone (releasing a queued command after its "ack"). */
export const afterResponseKey = 'sfa.afterResponse';
export const afterResponse = (turn: TurnContext, release: Release) => (turn.turnState.get(afterResponseKey) as Release[] | undefined)?.push(release);

export function runSafely(deps: TeamsDeps, interaction: Interaction): Promise<Outcome> {
  return deps.pipeline.run(interaction, deps.directory).catch((err: unknown) => {
    deps.logger.error({ err, inbound: interaction.inbound.kind }, 'teams interaction failed');
    return failedOutcome(err, interaction.profile?.locale ?? 'en');
  });
}

const dateOnly = /^\d{4}-\d{2}-\d{2}$/;
const timeOnly = /^\d{2}:\d{2}(:\d{2})?$/;

/**
 * A submitted card's values by the form's spec: Teams has no date-time input, so `<id>` (date) and
 * `<id>.time` make a local time the pipeline reads in the person's zone. Anything else is passed
 * on as sent, for the form's schema to judge.
 */
export function teamsFormValues(formId: string, data: Record<string, unknown>): RawFormValues {
  const values: RawFormValues = {};
  for (const [id, field] of Object.entries(formNamed(formId)?.fields ?? {})) {
    const raw = data[id];
    if (field.type === 'datetime') {
      const time = data[`${id}.time`];
      values[id] = typeof raw === 'string' && typeof time === 'string' && dateOnly.test(raw) && timeOnly.test(time) ? `${raw}T${time.slice(0, 5)}` : raw == null || raw === '' ? null : 'invalid';
    } else {
      values[id] = typeof raw === 'number' ? String(raw) : (raw as string | null | undefined);
    }
  }
  return values;
}
