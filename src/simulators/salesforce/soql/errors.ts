/**
 * SOQL errors quote the offending line with a caret and its row and column, as Salesforce does:
 * "\nSELECT Id, Foo FROM Account\n           ^\nERROR at Row:1:Column:12\nNo such column 'Foo' …".
 */
import { SfApiError } from '../errors.js';

export function soqlError(soql: string, pos: number, errorCode: string, message: string): SfApiError {
  const before = soql.slice(0, pos);
  const row = before.split('\n').length;
  const lineStart = before.lastIndexOf('\n') + 1;
  const lineEnd = soql.indexOf('\n', pos);
  const line = soql.slice(lineStart, lineEnd < 0 ? undefined : lineEnd);
  const col = pos - lineStart + 1;
  return new SfApiError(400, [{ errorCode, message: `\n${line}\n${' '.repeat(col - 1)}^\nERROR at Row:${row}:Column:${col}\n${message}` }]);
}
