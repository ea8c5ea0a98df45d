/**
 * Converts record fields between canonical names and values and their wire form for one object
 * and operation: checks names against the declared properties, converts values by type (or
 * through the operation's vendor hook), and renames to and from `wireName`.
 */
import type { PropertySpec } from '../../spec/types.js';
import type { FieldHookContext, FieldsHook } from '../../vendors/registry.js';
import { ConnectorError } from '../errors.js';
import { CoercionError, fromWire, toWire } from './coerce.js';

export interface EncodeOptions {
  /** Check `required` properties (create and upsert). */
  requireAll: boolean;
  /** Operation label for error messages. */
  operation: string;
}

interface Prop {
  name: string;
  wire: string;
  spec: PropertySpec;
}

export class FieldCodec {
  private readonly props: Prop[];
  private readonly byName: Map<string, Prop>;
  private readonly required: Prop[];
  private readonly ctx: FieldHookContext;

  constructor(
    object: string,
    properties: Record<string, PropertySpec>,
    private readonly hooks: { encode?: FieldsHook; decode?: FieldsHook } = {},
  ) {
    this.props = Object.entries(properties).map(([name, spec]) => ({ name, wire: spec.wireName ?? name, spec }));
    this.byName = new Map(this.props.map((p) => [p.name, p]));
    this.required = this.props.filter((p) => p.spec.required && !p.spec.readOnly);
    this.ctx = { object, properties };
  }

  wireName(name: string): string {
    return this.byName.get(name)?.wire ?? name;
  }

  /** Canonical fields → wire fields. Throws a mapping `ConnectorError` naming the property. */
  encode(fields: Record<string, unknown>, opts: EncodeOptions): Record<string, unknown> {
    const fail = (code: string, text: string): never => {
      throw new ConnectorError(`${opts.operation}: ${text}`, { class: 'mapping', code, operation: opts.operation });
    };
    for (const key of Object.keys(fields)) {
      const prop = this.byName.get(key);
      if (!prop) fail('unknown_property', `property ${key} is not declared on this object`);
      else if (prop.spec.readOnly) fail('read_only_property', `property ${key} is read-only`);
      else if (prop.spec.type === 'enum' && prop.spec.values && fields[key] !== null && fields[key] !== undefined && !prop.spec.values.includes(fields[key] as string | number)) {
        fail('invalid_value', `property ${key}: value is not one of the declared values`);
      }
    }
    if (opts.requireAll) {
      for (const p of this.required) {
        const v = fields[p.name];
        if (v === undefined || v === null || v === '') fail('missing_required', `required property ${p.name} is missing`);
      }
    }
    let values: Record<string, unknown>;
    try {
      if (this.hooks.encode) values = this.hooks.encode(fields, this.ctx);
      else {
        values = {};
        for (const [key, value] of Object.entries(fields)) values[key] = toWire(value, (this.byName.get(key) as Prop).spec.type);
      }
    } catch (err) {
      if (err instanceof CoercionError) return fail('invalid_value', `bad value: ${err.message}`);
      throw err;
    }
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(values)) if (value !== undefined) out[this.wireName(key)] = value;
    return out;
  }

  /** Wire fields → canonical fields of the declared properties; undeclared wire fields are dropped. */
  decode(wire: unknown): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    if (!wire || typeof wire !== 'object') return out;
    const src = wire as Record<string, unknown>;
    for (const p of this.props) {
      if (p.wire in src) out[p.name] = src[p.wire];
    }
    if (this.hooks.decode) return this.hooks.decode(out, this.ctx);
    for (const p of this.props) if (p.name in out) out[p.name] = fromWire(out[p.name], p.spec.type);
    return out;
  }
}
