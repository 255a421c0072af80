import type { AdminModule } from './admin-module';
import { checklistAdmin } from './checklist.admin';
import { scoringAdmin } from './scoring.admin';
import { apiKeyAdmin } from './apikey.admin';
import { tiersAdmin } from './tiers.admin';
import { poolAdmin } from './pool.admin';
import { signalsAdmin } from './signals.admin';

/** Every area's admin verbs, once. An area adds its module here and nowhere else. */
export const adminModules: readonly AdminModule[] = [apiKeyAdmin, poolAdmin, tiersAdmin, signalsAdmin, scoringAdmin, checklistAdmin];
