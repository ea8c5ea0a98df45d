/** The generated schema validators, typed (the generated module itself is not type-checked). */
import type { ValidateFunction } from 'ajv';
import * as generated from './generated/validators.js';

export const schemaValidators = generated as unknown as Readonly<Record<'Connector' | 'Pipeline', ValidateFunction>>;
