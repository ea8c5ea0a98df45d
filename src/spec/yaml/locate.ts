/** Maps a path inside the parsed value back to a line and column in the file. */
import { isMap, isPair, isScalar, isSeq, type Node, type Pair } from 'yaml';
import type { ParsedFile } from './parse.js';

export interface Location {
  line: number;
  col: number;
  endCol?: number;
  /** Source offset of the node's start. */
  offset: number;
}

function findPair(node: unknown, key: string): Pair | undefined {
  if (!isMap(node)) return undefined;
  for (const item of node.items) {
    const k = isScalar(item.key) ? String(item.key.value) : String(item.key);
    if (k === key) return item as Pair;
  }
  return undefined;
}

/**
 * The node at `path`, or the deepest existing ancestor when the path runs past the document
 * (a missing field is reported where its parent is). With `key`, a mapping entry is located by
 * its key rather than its value (unknown fields are underlined by name).
 */
export function locate(parsed: ParsedFile, path: ReadonlyArray<string | number>, opts: { key?: boolean } = {}): Location {
  let node: unknown = parsed.doc.contents;
  let keyNode: unknown;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i] as string | number;
    if (isSeq(node) && typeof seg === 'number' && node.items[seg] !== undefined) {
      node = node.items[seg];
      keyNode = undefined;
      continue;
    }
    const pair = findPair(node, String(seg));
    if (!pair) break;
    keyNode = pair.key;
    node = pair.value ?? pair.key;
  }
  const target = (opts.key && keyNode ? keyNode : node) as Node | undefined;
  const offset = target?.range?.[0] ?? 0;
  const pos = parsed.lineCounter.linePos(offset);
  const loc: Location = { line: pos.line, col: pos.col, offset };
  const end = target?.range?.[1];
  if (end !== undefined) {
    const endPos = parsed.lineCounter.linePos(end);
    if (endPos.line === pos.line && endPos.col > pos.col) loc.endCol = endPos.col;
  }
  return loc;
}

/** The scalar node at `path` if there is one (JSONata positions are mapped inside it). */
export function scalarAt(parsed: ParsedFile, path: ReadonlyArray<string | number>): Node | undefined {
  let node: unknown = parsed.doc.contents;
  for (const seg of path) {
    if (isSeq(node) && typeof seg === 'number') node = node.items[seg];
    else {
      const pair = findPair(node, String(seg));
      if (!pair) return undefined;
      node = pair.value;
    }
  }
  return isScalar(node) ? (node as Node) : undefined;
}

export { isPair };
