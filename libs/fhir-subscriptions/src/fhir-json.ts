import { type SubscriptionIssue, issue } from './issues';

/** Reading untrusted FHIR JSON: every accessor checks the shape before the value is used. */
export type JsonObject = Readonly<Record<string, unknown>>;

export const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** An element's extensions that are objects with a url, each with its index in the array (for FHIRPath). */
export function extensionsOf(element: unknown): { readonly extension: JsonObject; readonly index: number }[] {
  if (!isObject(element) || !Array.isArray(element.extension)) return [];
  return element.extension.flatMap((extension: unknown, index) =>
    isObject(extension) && typeof extension.url === 'string' ? [{ extension, index }] : [],
  );
}

/** Extensions of one url on an element. In FHIR JSON a primitive's extensions sit on `_name` beside it. */
export const extensionsWithUrl = (element: unknown, url: string) =>
  extensionsOf(element).filter(({ extension }) => extension.url === url);

/** An extension's value[x] and the FHIRPath that locates it, for issues about the value. */
export interface LocatedValue {
  readonly value: unknown;
  readonly path: string;
}

/**
 * The value of an extension allowed at most once, of one value[x] type, or an issue. Undefined when absent. A value
 * of another type is refused, not coerced: `valueInteger` for an unsignedInt is a client's mistake worth naming.
 */
export function singleExtensionValue(
  element: unknown,
  url: string,
  valueKey: string,
  path: string,
  issues: SubscriptionIssue[],
): LocatedValue | undefined {
  const found = extensionsWithUrl(element, url);
  const [first] = found;
  if (first === undefined) return undefined;
  if (found.length > 1) {
    issues.push(
      issue('invalid', `${path}.extension`, `extension ${url} is given ${found.length} times; once at most`),
    );
    return undefined;
  }
  const at = `${path}.extension[${first.index}]`;
  const value = first.extension[valueKey];
  if (value === undefined) {
    issues.push(issue('invalid', at, `extension ${url} needs a ${valueKey}`));
    return undefined;
  }
  return { value, path: `${at}.value` };
}

/** Modifier extensions change an element's meaning: one the server does not know must be refused (FHIR R4 2.4.1). */
export function refuseModifierExtensions(element: unknown, path: string, issues: SubscriptionIssue[]): void {
  if (isObject(element) && element.modifierExtension !== undefined) {
    issues.push(
      issue('not-supported', `${path}.modifierExtension`, 'modifier extensions are not supported here'),
    );
  }
}

export type WholeNumberCheck = { readonly min: number; readonly max: number; readonly name: string };

/** An unsignedInt or positiveInt within the server's bounds; undefined (with an issue) otherwise. */
export function wholeNumber(
  value: unknown,
  { min, max, name }: WholeNumberCheck,
  path: string,
  issues: SubscriptionIssue[],
): number | undefined {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    issues.push(issue('invalid', path, `${name} must be a whole number`));
    return undefined;
  }
  if (value < min || value > max) {
    issues.push(issue('value', path, `${name} must be between ${min} and ${max}, not ${value}`));
    return undefined;
  }
  return value;
}
