import type { PurposeOfUse } from '@crosscare/governance';

export const BREAK_GLASS_HEADER = 'X-Break-Glass-Reason';
/** Long enough for "unconscious in ED, no history available, suspected overdose"; short enough to keep in every audit. */
export const MAX_BREAK_GLASS_REASON = 500;
/** A reason the privacy officer can read back: at least a few words, not "x". */
export const MIN_BREAK_GLASS_REASON = 10;

export type BreakGlassCheck =
  { readonly ok: true; readonly reason: string | null } | { readonly ok: false; readonly problem: string };

/**
 * The reason a reader states to break the glass: absent (null), or text the privacy officer can follow up. It
 * belongs only with EMERGENCY_CARE: a reason sent with another purpose is a client mistake worth telling apart from
 * a read that needs no glass broken.
 */
export function breakGlassReasonOf(header: string | undefined, purpose: PurposeOfUse): BreakGlassCheck {
  if (header === undefined) return { ok: true, reason: null };
  const reason = header.replace(/\s+/g, ' ').trim();
  if (purpose !== 'EMERGENCY_CARE')
    return { ok: false, problem: `${BREAK_GLASS_HEADER} is only for ${'EMERGENCY_CARE'} reads` };
  if (reason.length < MIN_BREAK_GLASS_REASON || reason.length > MAX_BREAK_GLASS_REASON)
    return {
      ok: false,
      problem: `${BREAK_GLASS_HEADER} must state the emergency in ${MIN_BREAK_GLASS_REASON} to ${MAX_BREAK_GLASS_REASON} characters`,
    };
  // Control characters would let a reason forge lines in whatever shows the audit.
  if ([...reason].some((c) => c < ' ' || c === '\u007f'))
    return { ok: false, problem: `${BREAK_GLASS_HEADER} must be plain text` };
  return { ok: true, reason };
}
