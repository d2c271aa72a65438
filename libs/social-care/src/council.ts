import type { InputIssue } from '@crosscare/events';

/** The local authority an extract comes from. */
export interface Council {
  /** ONS (GSS) code, e.g. E08000025. */
  readonly code: string;
  readonly name: string;
}

/** Name of the council with this ONS code, or undefined when Crosscare does not know it. */
export type CouncilNameLookup = (onsCode: string) => string | undefined;

// GSS codes: a nation letter (England, Wales, Scotland, Northern Ireland), a two-digit entity, six digits.
const ONS_CODE = /^[EWSN]\d{8}$/;

export type CouncilResolution =
  { readonly ok: true; readonly council: Council } | { readonly ok: false; readonly issue: InputIssue };

/** `location` is where the sender put the code: `/council` in a JSON body, the `council` parameter for CSV. */
export function resolveCouncil(
  code: unknown,
  lookup: CouncilNameLookup,
  location: string,
): CouncilResolution {
  if (typeof code !== 'string' || code.trim() === '') {
    return {
      ok: false,
      issue: { location, code: 'required', message: 'council (its ONS code) is required' },
    };
  }
  const onsCode = code.trim().toUpperCase();
  if (!ONS_CODE.test(onsCode)) {
    return {
      ok: false,
      issue: {
        location,
        code: 'value',
        message: `council must be an ONS code such as E08000025, not "${code}"`,
      },
    };
  }
  const name = lookup(onsCode);
  if (name === undefined) {
    return {
      ok: false,
      issue: { location, code: 'value', message: `council ${onsCode} is not a council Crosscare knows` },
    };
  }
  return { ok: true, council: { code: onsCode, name } };
}
