import { CrosscareError } from '@crosscare/errors';
import type { InputIssue } from '@crosscare/events';
import { ParseConformance } from 'fhir';
import { ConvertToJs } from 'fhir/convertToJs';
import { ConvertToXml } from 'fhir/convertToXml';

/**
 * FHIR XML ↔ FHIR JSON through FHIR.js (npm `fhir`, docs/ingest.md says why that library): a body sent as XML is
 * turned into the JSON that a JSON sender would have sent, so everything past ingest's HTTP edge stays JSON-in, and
 * an answer is turned into XML when the sender asked for it. Tests read the published UK Core examples (XML) with it.
 *
 * The library converts by the R4 structure definitions, which give it what XML leaves implicit (which elements repeat,
 * which are decimals, primitives' `_field` id and extensions, the xhtml `div` as a string). Around it this module
 * adds what a server taking XML from the outside needs and the library does not do: it refuses DOCTYPE and entity
 * declarations, bounds nesting, checks the FHIR namespace, and refuses instead of silently dropping an element that
 * R4 does not have where it stands (the library skips those).
 */

const FHIR_NAMESPACE = 'http://hl7.org/fhir';

/** Deeper than any R4 resource nests (a Bundle's entry's resource's extension's extension is about 12). */
export const MAX_XML_DEPTH = 100;

// One parse of the R4 definitions for the process (about 50 ms, 15 MB), shared by both directions.
let definitions: ParseConformance | undefined;
const r4 = () => (definitions ??= new ParseConformance(true));

/**
 * fhir 4.12.0 picks a marker for decimals by walking the converted object, and that walk crashes on the nulls the
 * library itself puts in a `_given`-style array (a repeating primitive where only a later item has an id or an
 * extension). The marker only has to be longer than any run of D in the content; the JSON text shows every run.
 */
class SafeConvertToJs extends ConvertToJs {}
Object.defineProperty(SafeConvertToJs.prototype, 'maxLengthOfDs', {
  value: (converted: unknown) =>
    Math.max(0, ...(JSON.stringify(converted).match(/D+/g) ?? []).map((run) => run.length)),
});

/**
 * XML that is not a FHIR resource, located in the sender's terms as validation issues are; ingest answers it with a
 * 400 OperationOutcome. The input is at fault, so trying again unchanged never helps.
 */
export class FhirXmlError extends CrosscareError {
  constructor(readonly issues: readonly InputIssue[]) {
    super(issues.map((i) => `${i.location}: ${i.message}`).join('; '), { retriable: false });
    this.name = 'FhirXmlError';
  }
}

/** A FHIR XML body (one resource, a Bundle included) → the FHIR JSON resource it means; FhirXmlError if it is not. */
export function fhirXmlToJson(xml: string): Record<string, unknown> {
  if (xml.trim() === '') throw malformed('the body is empty; send one FHIR resource in XML');
  const markup = withoutCommentsAndCdata(xml);
  if (/<!DOCTYPE|<!ENTITY/i.test(markup))
    throw malformed('the body declares a DOCTYPE or entities; FHIR XML has neither, and they are refused');
  const tags = startTags(markup);
  if (tags.depth > MAX_XML_DEPTH)
    throw malformed(`elements nest ${tags.depth} deep; at most ${MAX_XML_DEPTH} levels are accepted`);
  const root = tags.root;
  if (root === undefined) throw malformed('the body has no XML element; send one FHIR resource in XML');
  if (root.namespace !== FHIR_NAMESPACE)
    throw malformed(
      `the root element ${root.name} is not in the FHIR namespace: declare xmlns="${FHIR_NAMESPACE}"` +
        (root.namespace ? ` (it declares ${root.namespace})` : ''),
    );

  if (tags.withText.size > 0)
    throw malformed(
      `element(s) ${[...tags.withText].map((name) => `<${name}>`).join(', ')} hold text; FHIR XML gives values ` +
        'in value attributes (<family value="Smith"/>), and text elsewhere would be lost',
    );

  let json: string | undefined;
  try {
    json = new SafeConvertToJs(r4()).convertToJSON(outsideRootTrimmed(xml));
  } catch (error) {
    throw malformed(libraryFault(error));
  }
  if (json === undefined) throw malformed('the body must hold exactly one root element: one FHIR resource');
  const resource = withoutComments(JSON.parse(json)) as Record<string, unknown>;

  const lost = missingElements(tags.names, elementNamesOf(resource));
  if (lost.length > 0)
    throw malformed(
      `element(s) ${lost.join(', ')} are not FHIR R4 elements where they stand, or carry neither a value nor ` +
        'children; they would be lost, so the resource is refused',
    );
  return resource;
}

/** A FHIR JSON resource (an OperationOutcome, a Bundle) as FHIR XML, with an XML declaration. */
export function fhirJsonToXml(resource: object): string {
  return new ConvertToXml(r4()).convert(resource);
}

function malformed(message: string): FhirXmlError {
  return new FhirXmlError([{ location: '(body)', code: 'structure', message }]);
}

/** sax's messages say "Line: 0\nColumn: 12\nChar: >" (0-based lines); the library's own are one sentence. */
function libraryFault(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const position = /^(.*)\nLine: (\d+)\nColumn: (\d+)/s.exec(text);
  if (position)
    return `the body is not well-formed XML: ${position[1]} at line ${Number(position[2]) + 1}, column ${position[3]}`;
  if (/^Unknown resource type: /.test(text))
    return `${text.replace(/^Unknown resource type: /, '')} is not an R4 resource type (the root element must be one)`;
  return `the body is not valid FHIR XML: ${text}`;
}

// A comment ends at its first "-->"; written out so that a lazy match cannot run on into a later comment.
const COMMENT = String.raw`<!--(?:(?!-->)[\s\S])*-->`;

function withoutCommentsAndCdata(xml: string): string {
  // CDATA is text: it stays as a placeholder, so that text where FHIR has none is still seen.
  return xml.replace(new RegExp(COMMENT, 'g'), '').replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, 'text');
}

/** Comments before or after the root element are legal XML; the library wants the root alone. */
function outsideRootTrimmed(xml: string): string {
  return xml
    .replace(new RegExp(String.raw`^(\s*(?:<\?xml[^>]*\?>)?)(?:\s*${COMMENT})+`), '$1')
    .replace(new RegExp(String.raw`(?:${COMMENT}\s*)+$`), '');
}

/**
 * XML comments inside a resource arrive as `fhir_comments`, which is not FHIR JSON and carries no record content.
 * A primitive's `_field` that held only comments goes with them. The library leaves out the nulls of a repeating
 * primitive's valueless last items (`given: ["Jo"]` beside `_given: [null, {…}]`); FHIR JSON has them, so they are
 * put back. A valueless item before a valued one would be misplaced, and elementNamesOf refuses it.
 */
function withoutComments(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutComments);
  if (value === null || typeof value !== 'object') return value;
  const kept = Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== 'fhir_comments')
      .map(([key, inner]) => [key, withoutComments(inner)] as const)
      .filter(([key, inner]) => !(key.startsWith('_') && isEmpty(inner))),
  );
  for (const [key, extras] of Object.entries(kept)) {
    const base = key.slice(1);
    if (!key.startsWith('_') || !Array.isArray(extras)) continue;
    const values: unknown = kept[base] ?? [];
    if (Array.isArray(values) && values.length < extras.length)
      kept[base] = (values as unknown[]).concat(new Array<null>(extras.length - values.length).fill(null));
  }
  return kept;
}

function isEmpty(value: unknown): boolean {
  if (value === null) return true;
  if (Array.isArray(value)) return value.every(isEmpty);
  return typeof value === 'object' && Object.keys(value).length === 0;
}

interface TagScan {
  /** How often each element name occurs. */
  readonly names: Map<string, number>;
  /** Elements outside the xhtml div that hold text, which FHIR XML never has (values are attributes). */
  readonly withText: Set<string>;
  readonly depth: number;
  readonly root?: { readonly name: string; readonly namespace: string | undefined };
}

// A start, end or empty-element tag; attribute values may hold '>' but never '<' (XML forbids it), nor their quote.
const TAG = /<(\/?)([A-Za-z_][\w.:-]*)((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/g;
const XMLNS = /\sxmlns\s*=\s*(?:"([^"]*)"|'([^']*)')/;

/**
 * Element names, nesting depth and the root of well-formed markup (with comments and CDATA removed). Only a tally:
 * the library's parser decides well-formedness, and refuses what this scan would misread.
 */
function startTags(markup: string): TagScan {
  const names = new Map<string, number>();
  const withText = new Set<string>();
  const open: string[] = [];
  let deepest = 0;
  let inDiv = 0;
  let root: TagScan['root'];
  let textFrom = 0;
  for (const tag of markup.matchAll(TAG)) {
    const [whole, closing, name, attributes, empty] = tag;
    const current = open.at(-1);
    if (current !== undefined && inDiv === 0 && /\S/.test(markup.slice(textFrom, tag.index)))
      withText.add(current);
    textFrom = tag.index + whole.length;
    if (closing) {
      open.pop();
      if (inDiv > 0) inDiv--;
      continue;
    }
    if (root === undefined) {
      const declared = XMLNS.exec(attributes);
      root = { name, namespace: declared ? (declared[1] ?? declared[2]) : undefined };
    }
    names.set(name, (names.get(name) ?? 0) + 1);
    if (empty) continue;
    open.push(name);
    if (name === 'div' || inDiv > 0) inDiv++;
    deepest = Math.max(deepest, open.length);
  }
  return { names, withText, depth: deepest, root };
}

/**
 * The elements the FHIR XML of a JSON resource has, by name, as the library writes them (checked against it for every
 * published example): counting them costs a third of writing the XML. In XML an element's `id` and an extension's
 * `url` are attributes, a resource's `id` is an element, a primitive's `_field` adds its element when the value is
 * absent, and the div's markup is elements of its own.
 */
function elementNamesOf(resource: Record<string, unknown>): Map<string, number> {
  const names = new Map<string, number>();
  const add = (name: string, n = 1) => names.set(name, (names.get(name) ?? 0) + n);
  const fields = (element: Record<string, unknown>, isResource: boolean, isExtension: boolean): void => {
    const keys = new Set(Object.keys(element).map((key) => (key.startsWith('_') ? key.slice(1) : key)));
    for (const key of keys) {
      if (key === 'resourceType' || (key === 'id' && !isResource) || (key === 'url' && isExtension)) continue;
      const values = asList(element[key]);
      const extras = asList(element[`_${key}`]);
      for (let i = 0; i < Math.max(values.length, extras.length); i++) {
        const [value, extra] = [values[i], extras[i]];
        if (value == null && extra == null) continue;
        add(key);
        if (typeof extra === 'object' && extra !== null)
          fields(extra as Record<string, unknown>, false, false);
        if (key === 'div' && typeof value === 'string') {
          for (const [name, n] of startTags(value).names) add(name, n);
          add('div', -1);
        } else if (typeof value === 'object' && value !== null) {
          const inner = value as Record<string, unknown>;
          if (typeof inner.resourceType === 'string') {
            add(inner.resourceType);
            fields(inner, true, false);
          } else fields(inner, false, key === 'extension' || key === 'modifierExtension');
        }
      }
    }
  };
  add(String(resource.resourceType));
  fields(resource, true, false);
  return names;
}

const asList = (value: unknown): unknown[] =>
  Array.isArray(value) ? value : value === undefined ? [] : [value];

/** Names that occur fewer times in the converted resource than in the body. */
function missingElements(sent: Map<string, number>, kept: Map<string, number>): string[] {
  return [...sent]
    .filter(([name, count]) => (kept.get(name) ?? 0) < count)
    .map(([name, count]) => `<${name}> (${count - (kept.get(name) ?? 0)} of ${count})`);
}
