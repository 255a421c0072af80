import { defineEntity, type InferEntity } from '@mikro-orm/core';

/** One Slack workspace (or Enterprise Grid org) install; the installation JSON is encrypted. */
export const SlackInstallation = defineEntity({
  name: 'SlackInstallation',
  tableName: 'slack_installations',
  properties: (p) => ({
    /** `T…` for a workspace install, `E…` for an org-wide install. */
    id: p.string().length(32).primary(),
    tenantId: p.uuid(),
    isEnterprise: p.boolean().default(false),
    encrypted: p.text(),
    installedBy: p.string().length(32).nullable(),
    installedAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  }),
});
export type SlackInstallation = InferEntity<typeof SlackInstallation>;
