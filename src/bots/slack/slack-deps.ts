import type { WebClient } from '@slack/web-api';
import type { CommandIntake } from '../../jobs/command-intake';
import type { Logger } from '../../logger';
import type { ChatDirectory } from '../pipeline/identify';
import type { Interaction } from '../pipeline/interaction';
import { failedOutcome, type ChatPipeline, type Outcome } from '../pipeline/pipeline';
import type { PostgresInstallationStore } from './installation-store';
import { ackLocaleOf } from './slack-directory';

/** What the Slack listeners share: the pipeline, how to identify people with the request's client, and the intake for queued commands. */
export type SlackDeps = {
  pipeline: ChatPipeline;
  directory: (client: WebClient) => ChatDirectory;
  tenantIdOf: (teamId: string) => Promise<string | null>;
  /** Learns a person's language after an ack that could not know it (their commands all went to the worker). */
  learnLocale: (teamId: string, userId: string) => Promise<void>;
  intake?: CommandIntake;
  logger: Logger;
  installationStore?: PostgresInstallationStore;
};

// Slack gives 3 s; leave room for the network. Past this we ack "working on it" and answer later.
export const ackDeadlineMs = 2300;

/** The result if it came before the ack deadline, else null (the caller acks first and waits on). */
export function beforeAckDeadline<T>(work: Promise<T>): Promise<T | null> {
  return Promise.race([work, new Promise<null>((resolve) => setTimeout(() => resolve(null), ackDeadlineMs).unref())]);
}

/** Runs an interaction; anything unexpected is logged and answered with "nothing was saved", in the person's language if known. */
export function runSafely(deps: SlackDeps, interaction: Interaction, client: WebClient): Promise<Outcome> {
  return deps.pipeline.run(interaction, deps.directory(client)).catch((err: unknown) => {
    deps.logger.error({ err, inbound: interaction.inbound.kind }, 'slack interaction failed');
    return failedOutcome(err, ackLocaleOf(interaction.workspaceId, interaction.userId));
  });
}
