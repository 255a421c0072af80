import type { AdminModule } from './admin-module';

/** Every area's admin verbs, once. An area adds its module here and nowhere else. */
export const adminModules: readonly AdminModule[] = [];
