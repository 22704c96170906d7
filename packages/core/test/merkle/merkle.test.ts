import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../src/encoding/bytes.js';
import { EMPTY_ROOT, HASH_SIZE, hashChildren, hashLeaf } from '../../src/merkle/hash.js';
import { MemoryTree, rootNodes } from '../../src/merkle/proofs.js';
import { TreeBuilder } from '../../src/merkle/tree-builder.js';
import {
  rootFromInclusionProof,
  verifyConsistency,
  verifyInclusion,
} from '../../src/merkle/verify.js';

// ---------------------------------------------------------------------------------------
// Shared vectors (C2SP / transparency-dev layout): one test per file.

const VECTORS = resolve(import.meta.dirname, '../../test-data/merkle');

function jsonFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return jsonFiles(path);
      return entry.name.endsWith('.json') ? [path] : [];
    })
    .sort();
}

interface InclusionVector {
  leafIdx: number;
  treeSize: number;
  root: string;
  leafHash: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}

interface ConsistencyVector {
  size1: number;
  size2: number;
  root1: string;
  root2: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}

const b64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));
const readJson = <T>(path: string) => JSON.parse(readFileSync(path, 'utf8')) as T;
const INCLUSION_FILES = jsonFiles(join(VECTORS, 'inclusion'));
const CONSISTENCY_FILES = jsonFiles(join(VECTORS, 'consistency'));

/**
 * The leaves of the RFC 6962 reference test tree that the vectors are built on; the
 * test below checks them against the vectors' roots before relying on them.
 */
const REFERENCE_LEAVES = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
].map((hex) => new Uint8Array(Buffer.from(hex, 'hex')));
const REFERENCE = new MemoryTree(REFERENCE_LEAVES.map(hashLeaf));

describe('shared vectors', () => {
  it('reads every vector file', () => {
    expect(INCLUSION_FILES.length).toBeGreaterThan(50);
    expect(CONSISTENCY_FILES.length).toBeGreaterThan(50);
    expect(INCLUSION_FILES.length + CONSISTENCY_FILES.length).toBeGreaterThan(150);
  });

  describe('inclusion', () => {
    for (const file of INCLUSION_FILES) {
      const v = readJson<InclusionVector>(file);
      it(`${relative(VECTORS, file)}: ${v.desc}`, () => {
        const proof = (v.proof ?? []).map(b64);
        const ok = verifyInclusion(v.leafIdx, v.treeSize, b64(v.leafHash), proof, b64(v.root));
        expect(ok).toBe(!v.wantErr);
        if (!v.wantErr) {
          const root = rootFromInclusionProof(v.leafIdx, v.treeSize, b64(v.leafHash), proof);
          expect(toHex(root)).toBe(toHex(b64(v.root)));
        }
      });
    }
  });

  describe('consistency', () => {
    for (const file of CONSISTENCY_FILES) {
      const v = readJson<ConsistencyVector>(file);
      it(`${relative(VECTORS, file)}: ${v.desc}`, () => {
        const proof = (v.proof ?? []).map(b64);
        const ok = verifyConsistency(v.size1, v.size2, b64(v.root1), b64(v.root2), proof);
        expect(ok).toBe(!v.wantErr);
      });
    }
  });

  it('the generator reproduces the proofs of the happy paths on the reference tree', () => {
    let compared = 0;
    for (const file of INCLUSION_FILES) {
      const v = readJson<InclusionVector>(file);
      if (v.wantErr || v.treeSize > REFERENCE.size) continue;
      if (toHex(REFERENCE.root(v.treeSize)) !== toHex(b64(v.root))) continue;
      expect(toHex(REFERENCE.node(0, v.leafIdx) ?? new Uint8Array())).toBe(toHex(b64(v.leafHash)));
      expect(REFERENCE.inclusionProof(v.leafIdx, v.treeSize).map(toHex)).toEqual(
        (v.proof ?? []).map((p) => toHex(b64(p))),
      );
      compared++;
    }
    for (const file of CONSISTENCY_FILES) {
      const v = readJson<ConsistencyVector>(file);
      if (v.wantErr || v.size2 > REFERENCE.size) continue;
      if (toHex(REFERENCE.root(v.size2)) !== toHex(b64(v.root2))) continue;
      expect(toHex(REFERENCE.root(v.size1))).toBe(toHex(b64(v.root1)));
      expect(REFERENCE.consistencyProof(v.size1, v.size2).map(toHex)).toEqual(
        (v.proof ?? []).map((p) => toHex(b64(p))),
      );
      compared++;
    }
    expect(compared).toBeGreaterThanOrEqual(8);
  });
});

// ---------------------------------------------------------------------------------------
// The hashes every tree is made of (RFC 9162 §2.1.1). Properties of the trees are in
// merkle-properties.test.ts; sizes at the bound and hostile input in merkle-edge-cases.test.ts.

describe('hashes', () => {
  it('match RFC 9162 §2.1.1 (SHA-256 with 0x00 / 0x01 prefixes)', () => {
    expect(HASH_SIZE).toBe(32);
    expect(toHex(EMPTY_ROOT)).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    expect(toHex(hashLeaf(new Uint8Array()))).toBe(
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    );
    const [a, b] = [hashLeaf(new Uint8Array([1])), hashLeaf(new Uint8Array([2]))];
    expect(toHex(hashChildren(a, b))).not.toBe(toHex(hashChildren(b, a)));
    expect(new MemoryTree([a, b]).root()).toEqual(hashChildren(a, b));
  });

  it('the empty tree has the empty root, and handing it out does not expose the constant', () => {
    const root = new TreeBuilder().root();
    expect(root).toEqual(EMPTY_ROOT);
    root.fill(0);
    expect(toHex(EMPTY_ROOT)).toMatch(/^e3b0c442/);
    expect(rootNodes(0)).toEqual([]);
    expect(new MemoryTree().root()).toEqual(EMPTY_ROOT);
  });
});
