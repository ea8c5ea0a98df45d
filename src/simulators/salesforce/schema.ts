/**
 * sObject and field definitions: what the simulated org's schema holds. A definition written in
 * configuration is completed here with the system fields every Salesforce object carries (Id,
 * IsDeleted, the audit fields and SystemModstamp), and indexed for case-insensitive lookup, since
 * the API matches object and field names regardless of case.
 */

export type FieldType =
  | 'id'
  | 'string'
  | 'textarea'
  | 'email'
  | 'phone'
  | 'url'
  | 'picklist'
  | 'double'
  | 'currency'
  | 'percent'
  | 'int'
  | 'boolean'
  | 'date'
  | 'datetime'
  | 'reference';

export interface SalesforceFieldConfig {
  /** API name, e.g. `StageName` or `Quotey_Id__c`. */
  name: string;
  type: FieldType;
  /** Shown in error messages ("Stage: …"). @defaultValue the name without `__c`, underscores as spaces */
  label?: string;
  /** Maximum length of text values. @defaultValue 255 for text types, 32000 for `textarea` */
  length?: number;
  /** Must be set on create and cannot be cleared. @defaultValue false */
  required?: boolean;
  /** Usable in upsert URLs (`/sobjects/{SObject}/{field}/{value}`). @defaultValue false */
  externalId?: boolean;
  /** No two records may share a value (compared case-insensitively). @defaultValue false */
  unique?: boolean;
  /** For `reference` fields: the target object, e.g. `Account`. */
  referenceTo?: string;
  /** For `reference` fields: the relationship name used to set the reference by external id. @defaultValue `AccountId` → `Account`, `Opp__c` → `Opp__r` */
  relationshipName?: string;
  /** For `picklist` fields: the values listed by describe. */
  picklistValues?: string[];
  /** Reject values outside `picklistValues`. @defaultValue false */
  restrictedPicklist?: boolean;
  /** Writable on create. @defaultValue true */
  createable?: boolean;
  /** Writable on update. @defaultValue true */
  updateable?: boolean;
  /** Auto-number format such as `QT-{0000}`: the value is assigned on create and is read-only. */
  autoNumber?: string;
}

export interface SalesforceSObjectConfig {
  /** API name, e.g. `Account` or `Quote__c`. */
  name: string;
  /** 3-character id prefix (`001` Account, `003` Contact, `006` Opportunity). */
  keyPrefix: string;
  label?: string;
  labelPlural?: string;
  /** Carries `OwnerId`. @defaultValue true */
  hasOwner?: boolean;
  /** Fields besides the system fields, which are added automatically. */
  fields: SalesforceFieldConfig[];
}

export interface FieldDef extends Required<Omit<SalesforceFieldConfig, 'referenceTo' | 'relationshipName' | 'picklistValues' | 'autoNumber'>> {
  referenceTo?: string;
  relationshipName?: string;
  picklistValues: string[];
  autoNumber?: string;
  /** Maintained by the org, never written by clients. */
  system: boolean;
  custom: boolean;
  /** Upper-cased values are compared (text types). */
  caseInsensitive: boolean;
}

export interface SObjectDef {
  name: string;
  keyPrefix: string;
  label: string;
  labelPlural: string;
  custom: boolean;
  fields: FieldDef[];
  /** Lower-cased API name → field. */
  byLowerName: Map<string, FieldDef>;
  /** Lower-cased relationship name → reference field. */
  byRelationship: Map<string, FieldDef>;
  externalIds: FieldDef[];
  uniques: FieldDef[];
}

const TEXT_TYPES = new Set<FieldType>(['string', 'textarea', 'email', 'phone', 'url', 'picklist']);

export function isTextType(type: FieldType): boolean {
  return TEXT_TYPES.has(type);
}

function defaultLabel(name: string): string {
  return name.replace(/__c$/, '').replace(/Id$/, '').replace(/_/g, ' ') || name;
}

function defaultRelationshipName(field: SalesforceFieldConfig): string | undefined {
  if (field.type !== 'reference') return undefined;
  if (field.name.endsWith('__c')) return field.name.replace(/__c$/, '__r');
  if (field.name.endsWith('Id')) return field.name.slice(0, -2);
  return undefined;
}

function completeField(f: SalesforceFieldConfig, system: boolean): FieldDef {
  const text = isTextType(f.type);
  const auto = f.autoNumber !== undefined;
  return {
    name: f.name,
    type: f.type,
    label: f.label ?? defaultLabel(f.name),
    length: f.length ?? (f.type === 'textarea' ? 32000 : text || auto ? 255 : 0),
    required: f.required ?? false,
    externalId: f.externalId ?? false,
    unique: f.unique ?? false,
    createable: !auto && (f.createable ?? !system),
    updateable: !auto && (f.updateable ?? !system),
    restrictedPicklist: f.restrictedPicklist ?? false,
    picklistValues: f.picklistValues ?? [],
    ...(f.referenceTo !== undefined ? { referenceTo: f.referenceTo } : {}),
    ...(f.relationshipName ?? defaultRelationshipName(f) ? { relationshipName: (f.relationshipName ?? defaultRelationshipName(f)) as string } : {}),
    ...(auto ? { autoNumber: f.autoNumber as string } : {}),
    system,
    custom: f.name.endsWith('__c'),
    caseInsensitive: text || f.type === 'id' || auto,
  };
}

/**
 * Builds the full definition of an object: Id and IsDeleted first, then the configured fields,
 * then the owner and audit fields, in the order a record is returned.
 */
export function buildSObject(config: SalesforceSObjectConfig, externalIdOverrides: string[] = []): SObjectDef {
  const overrides = new Set(externalIdOverrides.map((n) => n.toLowerCase()));
  const sys = (f: SalesforceFieldConfig): FieldDef => completeField(f, true);
  const fields: FieldDef[] = [
    sys({ name: 'Id', type: 'id', label: 'Record ID', length: 18 }),
    sys({ name: 'IsDeleted', type: 'boolean', label: 'Deleted' }),
    ...config.fields.map((f) => completeField({ ...f, externalId: f.externalId || overrides.has(f.name.toLowerCase()) }, false)),
  ];
  if (config.hasOwner ?? true) {
    fields.push(completeField({ name: 'OwnerId', type: 'reference', referenceTo: 'User', label: 'Owner ID', relationshipName: 'Owner' }, false));
  }
  fields.push(
    sys({ name: 'CreatedDate', type: 'datetime', label: 'Created Date' }),
    sys({ name: 'CreatedById', type: 'reference', referenceTo: 'User', label: 'Created By ID', relationshipName: 'CreatedBy' }),
    sys({ name: 'LastModifiedDate', type: 'datetime', label: 'Last Modified Date' }),
    sys({ name: 'LastModifiedById', type: 'reference', referenceTo: 'User', label: 'Last Modified By ID', relationshipName: 'LastModifiedBy' }),
    sys({ name: 'SystemModstamp', type: 'datetime', label: 'System Modstamp' }),
  );
  const byLowerName = new Map(fields.map((f) => [f.name.toLowerCase(), f]));
  const byRelationship = new Map<string, FieldDef>();
  for (const f of fields) if (f.relationshipName) byRelationship.set(f.relationshipName.toLowerCase(), f);
  const label = config.label ?? defaultLabel(config.name);
  return {
    name: config.name,
    keyPrefix: config.keyPrefix,
    label,
    labelPlural: config.labelPlural ?? `${label}s`,
    custom: config.name.endsWith('__c'),
    fields,
    byLowerName,
    byRelationship,
    externalIds: fields.filter((f) => f.externalId),
    uniques: fields.filter((f) => f.unique),
  };
}

const STAGES = [
  'Prospecting',
  'Qualification',
  'Needs Analysis',
  'Value Proposition',
  'Id. Decision Makers',
  'Perception Analysis',
  'Proposal/Price Quote',
  'Negotiation/Review',
  'Closed Won',
  'Closed Lost',
];

/**
 * The objects a new simulator serves: the three standard objects the sync scenarios touch and the
 * custom `Quote__c` that mirrors Quotey quotes. `Quotey_Id__c` is an external id but not unique,
 * because each quote version is its own record: upserting by it alone can match several (300).
 */
export function defaultSObjects(): SalesforceSObjectConfig[] {
  return [
    {
      name: 'Account',
      keyPrefix: '001',
      fields: [
        { name: 'Name', type: 'string', label: 'Account Name', required: true },
        { name: 'Type', type: 'picklist', label: 'Account Type', picklistValues: ['Prospect', 'Customer - Direct', 'Customer - Channel', 'Partner', 'Other'] },
        { name: 'Industry', type: 'picklist', picklistValues: ['Agriculture', 'Banking', 'Education', 'Manufacturing', 'Technology', 'Other'] },
        { name: 'Website', type: 'url' },
        { name: 'Phone', type: 'phone', label: 'Account Phone', length: 40 },
        { name: 'BillingCity', type: 'string', label: 'Billing City', length: 40 },
        { name: 'BillingCountry', type: 'string', label: 'Billing Country', length: 80 },
        { name: 'NumberOfEmployees', type: 'int', label: 'Employees' },
        { name: 'AnnualRevenue', type: 'currency', label: 'Annual Revenue' },
        { name: 'Description', type: 'textarea', label: 'Account Description' },
      ],
    },
    {
      name: 'Contact',
      keyPrefix: '003',
      fields: [
        { name: 'FirstName', type: 'string', label: 'First Name', length: 40 },
        { name: 'LastName', type: 'string', label: 'Last Name', length: 80, required: true },
        { name: 'Name', type: 'string', label: 'Full Name', length: 121, createable: false, updateable: false },
        { name: 'Email', type: 'email' },
        { name: 'Phone', type: 'phone', label: 'Business Phone', length: 40 },
        { name: 'Title', type: 'string', length: 128 },
        { name: 'AccountId', type: 'reference', referenceTo: 'Account', label: 'Account ID' },
      ],
    },
    {
      name: 'Opportunity',
      keyPrefix: '006',
      fields: [
        { name: 'Name', type: 'string', required: true, length: 120 },
        { name: 'AccountId', type: 'reference', referenceTo: 'Account', label: 'Account ID' },
        { name: 'StageName', type: 'picklist', label: 'Stage', required: true, picklistValues: STAGES },
        { name: 'CloseDate', type: 'date', label: 'Close Date', required: true },
        { name: 'Amount', type: 'currency' },
        { name: 'Probability', type: 'percent', label: 'Probability (%)' },
        { name: 'Description', type: 'textarea' },
        { name: 'Quotey_Quote_Id__c', type: 'string', label: 'Quotey Quote ID', length: 64, externalId: true, unique: true },
        { name: 'Quote_Total__c', type: 'currency', label: 'Quote Total' },
      ],
    },
    {
      name: 'Quote__c',
      keyPrefix: 'a0Q',
      label: 'Quote',
      fields: [
        { name: 'Name', type: 'string', label: 'Quote Number', autoNumber: 'QT-{0000}' },
        { name: 'Opportunity__c', type: 'reference', referenceTo: 'Opportunity', label: 'Opportunity' },
        { name: 'Quotey_Id__c', type: 'string', label: 'Quotey ID', length: 64, externalId: true },
        { name: 'Quotey_Version__c', type: 'double', label: 'Quotey Version', externalId: true },
        { name: 'Total__c', type: 'currency', label: 'Total' },
        { name: 'Status__c', type: 'picklist', label: 'Status', picklistValues: ['Draft', 'Sent', 'Accepted', 'Rejected', 'Expired'] },
        { name: 'Valid_Until__c', type: 'date', label: 'Valid Until' },
      ],
    },
  ];
}
