import { defineJob } from './job-definition';

/** A chat command acknowledged by the web process and run here; it answers through `responseUrl`. */
export type QueuedCommand = {
  platform: 'slack';
  /** The workspace (Slack team id). */
  teamId: string;
  /** The platform's user id. */
  userId: string;
  channelId: string;
  /** Without the slash: visit, opp, … */
  command: string;
  text: string;
  responseUrl: string;
  /** The platform's id for this request (Slack trigger id): the job id and what its writes carry. */
  requestId: string;
  /** When the user sent it (epoch ms): "tomorrow" means the day after that, however late the job runs. */
  receivedAt: number;
};

/** Runs a queued command for one platform and answers the user; throws what the worker should retry. */
export interface ChatCommandRunner {
  run(command: QueuedCommand, attempt: { final: boolean }): Promise<string>;
}

export const noCommandRunner: ChatCommandRunner = {
  run: async () => 'dropped: no chat platform configured',
};

/** Retried for about a minute: past that, a reply to a chat command is no longer worth waiting for. */
export const chatCommandJob = defineJob<QueuedCommand>({
  name: 'chat-command',
  queue: 'commands',
  jobId: (d) => `chat-command.${d.platform}.${d.teamId}.${d.requestId}`,
  options: {
    attempts: 6,
    backoff: { type: 'exponential', delay: 1000, jitter: 0.3 },
    removeOnComplete: { age: 3600, count: 10_000 },
    removeOnFail: { age: 7 * 24 * 3600 },
  },
  handle: (data, { commands, finalAttempt }) => commands.run(data, { final: finalAttempt }),
});
