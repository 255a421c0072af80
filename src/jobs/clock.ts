/** Where jobs read the time. Production uses the system clock; tests move it to 08:59 or Monday. */
export type Clock = { now(): Date };

export const systemClock: Clock = { now: () => new Date() };

/** The system clock shifted so that it reads `at` right now, then keeps running. */
export function clockAt(at: Date): Clock {
  const offset = at.getTime() - Date.now();
  return { now: () => new Date(Date.now() + offset) };
}
