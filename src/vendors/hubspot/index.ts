import { registerVendor } from '../registry.js';
import { decodeRecord } from './decodeRecord.js';
import { encodeProperties } from './encodeProperties.js';

export const hubspot = registerVendor({
  name: 'hubspot',
  fieldHooks: { encodeProperties, decodeRecord },
});
