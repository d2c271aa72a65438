/** ODS codes are 3 to 6 letters and digits: RRK (a trust), RRK02 (one of its sites), M85001 (a GP practice). */
const ODS_CODE = /^[A-Z0-9]{3,6}$/;

/** The ODS code in upper case, or null when the text cannot be one. */
export function normaliseOdsCode(text: string): string | null {
  const code = text.trim().toUpperCase();
  return ODS_CODE.test(code) ? code : null;
}
