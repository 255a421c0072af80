import { defineJob, type ChatCommandRunner, type QueuedCommand } from './job-definition';

export type { ChatCommandRunner, QueuedCommand } from './job-definition';

export const noCommandRunner: ChatCommandRunner = {
  run: async () => 'dropped: no chat platform configured',
};

/** Retried for about a minute: past that, a reply to a chat command is no longer worth waiting for. */
export const chatCommandJob = defineJob<QueuedCommand>({
  name: 'chat-command',
  queue: 'commands',
  jobId: (d) => `chat-command.${d.platform}.${d.workspaceId}.${d.key}`,
  options: {
    attempts: 6,
    backoff: { type: 'exponential', delay: 1000, jitter: 0.3 },
    removeOnComplete: { age: 3600, count: 10_000 },
    removeOnFail: { age: 7 * 24 * 3600 },
  },
  handle: (data, { commands, finalAttempt }) => commands.run(data, { final: finalAttempt }),
});
