import { PRIMITIVE_TYPES } from './avro-schema';

const NAMED_TYPES = new Set(['record', 'error', 'enum', 'fixed']);

export type SchemaNode = string | SchemaNode[] | { readonly [member: string]: unknown };

/**
 * Joins self-contained schemas into one. Each event schema defines the shared types (RecordChangeHeader, CodedValue,
 * Period, ...) again, and Avro allows one definition per full name, so the first occurrence, in the order a parser
 * reads (depth first, fields and branches in order), is kept in full and every later one becomes a reference.
 * Every definition and reference is written with its full name, so nothing depends on the namespace it is moved into.
 */
export class NamedTypeInliner {
  private readonly defined = new Set<string>();

  inline(node: SchemaNode, enclosingNamespace: string): SchemaNode {
    if (typeof node === 'string')
      return PRIMITIVE_TYPES.has(node) ? node : fullName(node, enclosingNamespace);
    if (Array.isArray(node)) return node.map((branch) => this.inline(branch, enclosingNamespace));
    const type = node.type as SchemaNode;
    if (typeof type === 'string' && NAMED_TYPES.has(type)) return this.inlineNamed(node, enclosingNamespace);
    if (type === 'array')
      return { ...node, items: this.inline(node.items as SchemaNode, enclosingNamespace) };
    if (type === 'map')
      return { ...node, values: this.inline(node.values as SchemaNode, enclosingNamespace) };
    return { ...node, type: this.inline(type, enclosingNamespace) };
  }

  private inlineNamed(node: { readonly [member: string]: unknown }, enclosingNamespace: string): SchemaNode {
    const name = fullName(node.name as string, (node.namespace as string | undefined) ?? enclosingNamespace);
    if (this.defined.has(name)) return name;
    this.defined.add(name);
    const namespace = name.slice(0, name.lastIndexOf('.'));
    const definition: { [member: string]: unknown } = {
      ...node,
      name: name.slice(namespace.length + 1),
      namespace,
    };
    if (Array.isArray(node.fields))
      definition.fields = (node.fields as { readonly type: SchemaNode }[]).map((field) => ({
        ...field,
        type: this.inline(field.type, namespace),
      }));
    return definition;
  }
}

function fullName(name: string, namespace: string): string {
  return name.includes('.') || namespace === '' ? name : `${namespace}.${name}`;
}
