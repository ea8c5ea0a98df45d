/** The built-in tool catalog. */
import type { ToolkitDefinition } from '../catalog/types.js';
import { HUBSPOT_TOOLKIT } from './hubspot.js';
import { PIPEDRIVE_TOOLKIT } from './pipedrive.js';
import { SALESFORCE_TOOLKIT } from './salesforce.js';

export { HUBSPOT_TOOLKIT, PIPEDRIVE_TOOLKIT, SALESFORCE_TOOLKIT };

export const DEFAULT_TOOLKITS: ToolkitDefinition[] = [HUBSPOT_TOOLKIT, PIPEDRIVE_TOOLKIT, SALESFORCE_TOOLKIT];
