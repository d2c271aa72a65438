import type { Hl7Context, Hl7Field, Hl7Message, Hl7Segment } from '@medplum/core';
import { unescapeEr7 } from './er7-escaping';

/** HL7's explicit null (""), "delete this value": Crosscare treats it as absent. */
const HL7_NULL = '""';

/**
 * Reads unescaped, trimmed text out of one segment. Field numbers are HL7's (PID-3 is field 3, MSH-9 is field 9);
 * a missing field, component or repetition reads as ''.
 */
export class SegmentReader {
  private constructor(
    private readonly segment: Hl7Segment,
    private readonly context: Hl7Context,
  ) {}

  /** The first segment of that name, or null when the message has none. */
  static first(message: Hl7Message, name: string): SegmentReader | null {
    const segment = message.getSegment(name);
    return segment ? new SegmentReader(segment, message.context) : null;
  }

  /** Every segment of that name, in message order. */
  static all(message: Hl7Message, name: string): SegmentReader[] {
    return message.getAllSegments(name).map((segment) => new SegmentReader(segment, message.context));
  }

  /** Every segment of the message in order, named: for groups such as an ORU's OBR and the OBX segments after it. */
  static inOrder(message: Hl7Message): { readonly name: string; readonly reader: SegmentReader }[] {
    return message.segments.map((segment) => ({
      name: segment.name,
      reader: new SegmentReader(segment, message.context),
    }));
  }

  /** Component `component` (1-based) of the first repetition of the field. */
  text(field: number, component = 1): string {
    return this.repetitions(field)[0]?.text(component) ?? '';
  }

  /** The whole field as sent, delimiters and all, unescaped: for ST fields such as MSH-8 that should have none. */
  wholeField(field: number): string {
    const text = this.rawField(field).trim();
    return text === HL7_NULL ? '' : unescapeEr7(text, this.context);
  }

  /** The field exactly as sent, escapes included, to copy into another message with the same delimiters. */
  rawField(field: number): string {
    // Hl7Segment.getField is typed as always returning a field, but returns undefined past the last one.
    const hl7Field = this.segment.getField(field) as Hl7Field | undefined;
    return hl7Field?.toString() ?? '';
  }

  /** The repetitions of a field that hold anything. */
  repetitions(field: number): Er7Repetition[] {
    // Hl7Segment.getField is typed as always returning a field, but returns undefined past the last one.
    const hl7Field = this.segment.getField(field) as Hl7Field | undefined;
    if (!hl7Field) return [];
    return hl7Field.components
      .map((_, index) => new Er7Repetition(hl7Field, index, this.context))
      .filter((repetition) => !repetition.isEmpty());
  }
}

/** One repetition of a field. */
export class Er7Repetition {
  constructor(
    private readonly field: Hl7Field,
    private readonly index: number,
    private readonly context: Hl7Context,
  ) {}

  /** The whole component, subcomponent delimiters included, as text. */
  text(component: number): string {
    return this.clean(this.field.getComponent(component, undefined, this.index));
  }

  /** Subcomponent `subcomponent` (1-based) of a component, e.g. the surname in XPN-1 or the namespace in CX-4. */
  subcomponent(component: number, subcomponent: number): string {
    return this.clean(this.field.getComponent(component, subcomponent - 1, this.index));
  }

  isEmpty(): boolean {
    return this.field.components[this.index].every((component) => this.clean(component) === '');
  }

  private clean(raw: string): string {
    const text = raw.trim();
    return text === HL7_NULL ? '' : unescapeEr7(text, this.context).trim();
  }
}
