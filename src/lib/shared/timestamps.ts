/**
 * A moment as every output prints it, in UTC: a day ("2026-11-30"), a minute ("2026-11-30 14:05") or a second.
 * Records keep ISO 8601 in UTC, so cutting the string is exact; numbers and dates (charts' epoch
 * milliseconds) go through toISOString first. Runs in the browser too.
 */
type Moment = string | number | Date;

function iso(moment: Moment): string {
  return typeof moment === 'string' ? moment : new Date(moment).toISOString();
}

export function formatDay(moment: Moment): string {
  return iso(moment).slice(0, 10);
}

export function formatMinute(moment: Moment): string {
  return iso(moment).slice(0, 16).replace('T', ' ');
}

export function formatSecond(moment: Moment): string {
  return iso(moment).slice(0, 19).replace('T', ' ');
}
