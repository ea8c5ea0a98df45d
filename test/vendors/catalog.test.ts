import '../../src/vendors/index.js';
import { VENDOR_HOOK_MODULES } from '../../src/vendors/catalog.js';
import { fieldsHookNames, vendorModule } from '../../src/vendors/registry.js';

describe('vendor hook catalog', () => {
  it('lists exactly the hooks the vendor modules register, so validate and run agree', () => {
    const catalogued = Object.entries(VENDOR_HOOK_MODULES)
      .flatMap(([m, hooks]) => hooks.map((h) => `${m}.${h}`))
      .sort();
    expect(catalogued).toEqual(fieldsHookNames().sort());
    for (const name of Object.keys(VENDOR_HOOK_MODULES)) expect(vendorModule(name), name).toBeDefined();
  });
});
