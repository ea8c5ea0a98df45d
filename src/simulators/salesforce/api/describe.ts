/**
 * Metadata resources: describeGlobal (`/sobjects`), the object summary (`/sobjects/{SObject}`) and
 * describe (`/sobjects/{SObject}/describe`), trimmed to the properties clients read (names, types,
 * writability, external ids, references, picklists).
 */
import type { FieldDef, SObjectDef } from '../schema.js';

function objectUrls(version: string, def: SObjectDef): Record<string, string> {
  const base = `/services/data/v${version}/sobjects/${def.name}`;
  return { sobject: base, describe: `${base}/describe`, rowTemplate: `${base}/{ID}` };
}

function summary(version: string, def: SObjectDef): Record<string, unknown> {
  return {
    name: def.name,
    label: def.label,
    labelPlural: def.labelPlural,
    keyPrefix: def.keyPrefix,
    custom: def.custom,
    createable: true,
    updateable: true,
    deletable: true,
    queryable: true,
    retrieveable: true,
    searchable: true,
    urls: objectUrls(version, def),
  };
}

export function describeGlobal(version: string, defs: SObjectDef[]): Record<string, unknown> {
  return { encoding: 'UTF-8', maxBatchSize: 200, sobjects: defs.map((d) => summary(version, d)) };
}

export function objectInfo(version: string, def: SObjectDef): Record<string, unknown> {
  return { objectDescribe: summary(version, def), recentItems: [] };
}

const SOAP_TYPES: Record<string, string> = {
  id: 'tns:ID',
  reference: 'tns:ID',
  boolean: 'xsd:boolean',
  int: 'xsd:int',
  double: 'xsd:double',
  currency: 'xsd:double',
  percent: 'xsd:double',
  date: 'xsd:date',
  datetime: 'xsd:dateTime',
};

function describeField(f: FieldDef): Record<string, unknown> {
  return {
    name: f.name,
    label: f.label,
    type: f.type,
    soapType: SOAP_TYPES[f.type] ?? 'xsd:string',
    length: f.length,
    custom: f.custom,
    nillable: !f.required && f.name !== 'Id' && !f.system,
    createable: f.createable,
    updateable: f.updateable,
    externalId: f.externalId,
    unique: f.unique,
    idLookup: f.name === 'Id' || f.externalId,
    autoNumber: f.autoNumber !== undefined,
    calculated: false,
    defaultedOnCreate: f.system || f.name === 'OwnerId' || f.autoNumber !== undefined,
    caseSensitive: !f.caseInsensitive,
    referenceTo: f.referenceTo ? [f.referenceTo] : [],
    relationshipName: f.relationshipName ?? null,
    picklistValues: f.picklistValues.map((v) => ({ active: true, defaultValue: false, label: v, validFor: null, value: v })),
    restrictedPicklist: f.restrictedPicklist,
  };
}

export function describeSObject(version: string, def: SObjectDef): Record<string, unknown> {
  return { ...summary(version, def), fields: def.fields.map(describeField) };
}
