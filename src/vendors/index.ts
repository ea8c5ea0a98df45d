/** Loads every vendor module so their hooks are registered. */
import './hubspot/index.js';
import './salesforce/index.js';

export { fieldsHook, fieldsHookNames, registerVendor, vendorModule } from './registry.js';
export type { ErrorMessageHook, FieldHookContext, FieldsHook, VendorModule } from './registry.js';
