import { registerVendor } from '../registry.js';
import { salesforceErrorMessage } from './errorMessage.js';

export const salesforce = registerVendor({
  name: 'salesforce',
  errorMessage: salesforceErrorMessage,
});
