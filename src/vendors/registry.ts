/**
 * Vendor hooks: code for what a connector's YAML cannot say. A vendor module
 * (`src/vendors/<name>/index.ts`) registers named functions once; YAML refers to them as
 * `<module>.<hook>` (operation `hooks.encode` / `hooks.decode`), and the connector-level `hooks:
 * <module>` selects the module's error-message reader.
 */
import type { PropertySpec } from '../spec/types.js';

export interface FieldHookContext {
  /** Object name in the connector. */
  object: string;
  /** Declared properties by canonical name. */
  properties: Readonly<Record<string, PropertySpec>>;
}

/**
 * Converts property values, keyed by canonical property name, between canonical and wire form.
 * Renaming to and from `wireName` happens outside the hook.
 */
export type FieldsHook = (fields: Record<string, unknown>, ctx: FieldHookContext) => Record<string, unknown>;

/** Reads the human message from a parsed error body; undefined when it finds none. */
export type ErrorMessageHook = (body: unknown) => string | undefined;

export interface VendorModule {
  name: string;
  fieldHooks?: Record<string, FieldsHook>;
  errorMessage?: ErrorMessageHook;
}

const modules = new Map<string, VendorModule>();

export function registerVendor(module: VendorModule): VendorModule {
  if (modules.has(module.name)) throw new Error(`vendor module ${module.name} registered twice`);
  modules.set(module.name, module);
  return module;
}

export function vendorModule(name: string): VendorModule | undefined {
  return modules.get(name);
}

/** The hook named `<module>.<hook>`, or undefined. */
export function fieldsHook(qualified: string): FieldsHook | undefined {
  const dot = qualified.indexOf('.');
  if (dot <= 0) return undefined;
  return modules.get(qualified.slice(0, dot))?.fieldHooks?.[qualified.slice(dot + 1)];
}

/** Every registered `<module>.<hook>` name, for validation and docs. */
export function fieldsHookNames(): string[] {
  return [...modules.values()].flatMap((m) => Object.keys(m.fieldHooks ?? {}).map((h) => `${m.name}.${h}`));
}
