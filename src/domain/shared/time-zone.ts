import { DateTime } from 'luxon';

/** `zone` when the time-zone database knows it, else `fallback`: a stored zone may predate a tz update or be mistyped. */
export const knownZoneOr = (zone: string, fallback = 'UTC'): string => (DateTime.local().setZone(zone).isValid ? zone : fallback);
