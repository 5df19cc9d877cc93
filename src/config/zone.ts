/** Whether a zone name is one the runtime knows (an IANA name such as Europe/Berlin, or UTC). */
export function isValidZone(zone: string): boolean {
  if (zone.trim() === "") return false;
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
