import { createCanvas } from 'canvas';
import JSZip from 'jszip';
import { commands } from '../registry';

/** The commands Teams offers as you type to the bot: the registry's, and help. */
export const teamsCommands = [...commands.map((c) => ({ title: c.name, description: c.teamsHint })), { title: 'help', description: 'What the bot can do' }];

export type AppPackageInput = { appId: string; publicUrl?: string; version?: string; name?: string };

const accent = '#1f6feb';

function colorIcon(): Buffer {
  const canvas = createCanvas(192, 192);
  const g = canvas.getContext('2d');
  g.fillStyle = accent;
  g.fillRect(0, 0, 192, 192);
  g.fillStyle = '#ffffff';
  g.font = 'bold 84px sans-serif';
  g.textAlign = 'center';
  g.textBaseline = 'middle';
  g.fillText('S', 96, 100);
  return canvas.toBuffer('image/png');
}

/** Teams wants the outline icon white on transparent, 32×32. */
function outlineIcon(): Buffer {
  const canvas = createCanvas(32, 32);
  const g = canvas.getContext('2d');
  g.strokeStyle = '#ffffff';
  g.lineWidth = 2;
  g.strokeRect(3, 3, 26, 26);
  g.fillStyle = '#ffffff';
  g.font = 'bold 18px sans-serif';
  g.textAlign = 'center';
  g.textBaseline = 'middle';
  g.fillText('S', 16, 17);
  return canvas.toBuffer('image/png');
}

export function teamsManifest(input: AppPackageInput): Record<string, unknown> {
  const domain = input.publicUrl ? new URL(input.publicUrl).hostname : undefined;
  return {
    $schema: 'https://developer.microsoft.com/en-us/json-schemas/teams/v1.17/MicrosoftTeams.schema.json',
    manifestVersion: '1.17',
    version: input.version ?? '1.0.0',
    id: input.appId,
    developer: {
      name: 'SFA Chat',
      websiteUrl: input.publicUrl ?? 'https://github.com/',
      privacyUrl: `${input.publicUrl ?? 'https://github.com'}/privacy`,
      termsOfUseUrl: `${input.publicUrl ?? 'https://github.com'}/terms`,
    },
    name: { short: input.name ?? 'SFA', full: `${input.name ?? 'SFA'} — sales force automation` },
    description: {
      short: 'Log visits, look up customers, approve quotes and get reports in Teams.',
      full: 'Sales reps log and plan customer visits, look up customers and deals, request quotes; managers approve quotes with a button and get weekly reports with charts; reminders arrive on time.',
    },
    icons: { color: 'color.png', outline: 'outline.png' },
    accentColor: accent,
    bots: [
      {
        botId: input.appId,
        scopes: ['personal', 'team', 'groupChat'],
        supportsFiles: false,
        isNotificationOnly: false,
        commandLists: [{ scopes: ['personal', 'team', 'groupChat'], commands: teamsCommands }],
      },
    ],
    permissions: ['identity', 'messageTeamMembers'],
    validDomains: domain ? [domain] : [],
  };
}

/** The zip Teams admins upload: manifest.json and the two icons at the root. */
export async function buildAppPackage(input: AppPackageInput): Promise<Buffer> {
  const zip = new JSZip();
  zip.file('manifest.json', JSON.stringify(teamsManifest(input), null, 2));
  zip.file('color.png', colorIcon());
  zip.file('outline.png', outlineIcon());
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}
