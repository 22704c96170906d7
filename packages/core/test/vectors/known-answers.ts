import { sha256, sha512 } from '../../src/crypto/hashes.js';
import { encodeBase64url } from '../../src/encoding/base64url.js';
import { fromHex, toHex, utf8 } from '../../src/encoding/bytes.js';
import { ed25519Verifier, openNote, parseVerifierKey } from '../../src/log/signed-note.js';
import { verifyConsistency, verifyInclusion } from '../../src/merkle/verify.js';
import { loadRistretto255 } from '../../src/oprf/ristretto255.js';
import {
  blind,
  blindEvaluate,
  blindEvaluateBatch,
  createSuite,
  deriveKeyPair,
  finalize,
  finalizeBatch,
  MODE_OPRF,
  MODE_VOPRF,
  type Mode,
} from '../../src/oprf/voprf.js';
import { privateKeyFromJwk, signEd25519, verifyEd25519 } from '../../src/signing/ed25519.js';

/**
 * The published known answers the core must give on any platform: RFC 9162 proofs
 * (transparency-dev's vectors), the C2SP signed-note example, RFC 8032's first Ed25519
 * vector, FIPS 180's "abc", and RFC 9497's ristretto255-SHA512 OPRF and VOPRF vectors.
 * Pure: the caller reads the vector files and passes them in, so the same function runs
 * under Node (test/known-answers.test.ts) and in a browser (test/browser-vectors.test.ts).
 */

export interface MerkleVectors {
  readonly inclusion: readonly {
    readonly file: string;
    readonly leafIdx: number;
    readonly treeSize: number;
    readonly root: string;
    readonly leafHash: string;
    readonly proof: readonly string[] | null;
    readonly wantErr: boolean;
  }[];
  readonly consistency: readonly {
    readonly file: string;
    readonly size1: number;
    readonly size2: number;
    readonly root1: string;
    readonly root2: string;
    readonly proof: readonly string[] | null;
    readonly wantErr: boolean;
  }[];
}

export interface OprfVectorSet {
  readonly identifier: string;
  readonly mode: number;
  readonly seed: string;
  readonly keyInfo: string;
  readonly skSm: string;
  readonly pkSm?: string;
  readonly vectors: readonly {
    readonly Batch: number;
    readonly Blind: string;
    readonly BlindedElement: string;
    readonly EvaluationElement: string;
    readonly Input: string;
    readonly Output: string;
    readonly Proof?: { readonly proof: string; readonly r: string };
  }[];
}

export interface KnownAnswerData {
  readonly merkle: MerkleVectors;
  readonly oprf: readonly OprfVectorSet[];
}

export interface KnownAnswer {
  readonly name: string;
  readonly ok: boolean;
}

// Standard base64 without Buffer, which a browser lacks.
function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

function merkleAnswers(v: MerkleVectors): KnownAnswer[] {
  const proof = (p: readonly string[] | null) => (p ?? []).map(fromBase64);
  return [
    ...v.inclusion.map((t) => ({
      name: `RFC 9162 inclusion ${t.file}`,
      ok:
        verifyInclusion(
          t.leafIdx,
          t.treeSize,
          fromBase64(t.leafHash),
          proof(t.proof),
          fromBase64(t.root),
        ) === !t.wantErr,
    })),
    ...v.consistency.map((t) => ({
      name: `RFC 9162 consistency ${t.file}`,
      ok:
        verifyConsistency(
          t.size1,
          t.size2,
          fromBase64(t.root1),
          fromBase64(t.root2),
          proof(t.proof),
        ) === !t.wantErr,
    })),
  ];
}

/** The example of golang.org/x/mod/sumdb/note, which C2SP signed-note reproduces. */
function signedNoteAnswers(): KnownAnswer[] {
  const key = parseVerifierKey(
    'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW',
  );
  const text =
    "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
  const line =
    '— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';
  const verifier = ed25519Verifier(key.name, key.publicKey);
  const opens = (note: string) => {
    try {
      return openNote(note, [verifier]).verified.length === 1;
    } catch {
      return false;
    }
  };
  return [
    { name: 'C2SP signed note: key ID', ok: toHex(key.keyId) === 'c74f20a3' },
    { name: 'C2SP signed note: verifies', ok: opens(`${text}\n${line}`) },
    {
      name: 'C2SP signed note: altered text refused',
      ok: !opens(`${text.replace('answer', 'answers')}\n${line}`),
    },
  ];
}

function signatureAnswers(): KnownAnswer[] {
  const publicKey = encodeBase64url(
    fromHex('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a'),
  );
  const signature = encodeBase64url(
    fromHex(
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
    ),
  );
  const key = privateKeyFromJwk({
    kty: 'OKP',
    crv: 'Ed25519',
    x: publicKey,
    d: encodeBase64url(fromHex('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60')),
  });
  return [
    { name: 'RFC 8032 test 1: sign', ok: signEd25519(key, new Uint8Array()) === signature },
    { name: 'RFC 8032 test 1: verify', ok: verifyEd25519(publicKey, new Uint8Array(), signature) },
    {
      name: 'RFC 8032 test 1: another message refused',
      ok: !verifyEd25519(publicKey, utf8('x'), signature),
    },
    {
      name: 'FIPS 180-4 SHA-256("abc")',
      ok:
        toHex(sha256('abc')) === 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    },
    {
      name: 'FIPS 180-4 SHA-512("abc")',
      ok:
        toHex(sha512('abc')) ===
        'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
    },
  ];
}

async function oprfAnswers(sets: readonly OprfVectorSet[]): Promise<KnownAnswer[]> {
  const group = await loadRistretto255();
  const list = (field: string) => field.split(',').map(fromHex);
  const out: KnownAnswer[] = [];
  for (const set of sets) {
    if (set.identifier !== 'ristretto255-SHA512' || (set.mode !== 0 && set.mode !== 1)) continue;
    const suite = createSuite(group, set.mode as Mode);
    const { skS, pkS } = deriveKeyPair(suite, fromHex(set.seed), fromHex(set.keyInfo));
    out.push({
      name: `RFC 9497 mode ${set.mode}: DeriveKeyPair`,
      ok: toHex(skS) === set.skSm && (set.pkSm === undefined || toHex(pkS) === set.pkSm),
    });
    set.vectors.forEach((t, n) => {
      const inputs = list(t.Input);
      const blinds = list(t.Blind);
      const blinded = inputs.map((input, i) => blind(suite, input, blinds[i]).blindedElement);
      let ok = blinded.map(toHex).join(',') === t.BlindedElement;
      let outputs: Uint8Array[];
      if (set.mode === MODE_OPRF) {
        const evaluated = blinded.map((b) => blindEvaluate(suite, skS, b));
        ok &&= evaluated.map(toHex).join(',') === t.EvaluationElement;
        outputs = inputs.map((input, i) =>
          finalize(suite, input, blinds[i] as Uint8Array, evaluated[i] as Uint8Array),
        );
      } else {
        const r = t.Proof?.r;
        if (r === undefined) throw new Error('a VOPRF vector without a proof');
        const { evaluatedElements, proof } = blindEvaluateBatch(
          suite,
          skS,
          pkS,
          blinded,
          fromHex(r),
        );
        ok &&= evaluatedElements.map(toHex).join(',') === t.EvaluationElement;
        ok &&= toHex(proof) === t.Proof?.proof;
        outputs = finalizeBatch(suite, inputs, blinds, evaluatedElements, blinded, pkS, proof);
      }
      ok &&= outputs.map(toHex).join(',') === t.Output;
      out.push({ name: `RFC 9497 mode ${set.mode} vector ${n + 1} (batch of ${t.Batch})`, ok });
    });
  }
  if (!out.some((a) => a.name.startsWith(`RFC 9497 mode ${MODE_VOPRF} vector`)))
    out.push({ name: 'RFC 9497: the VOPRF vectors are there', ok: false });
  return out;
}

export async function runKnownAnswers(data: KnownAnswerData): Promise<KnownAnswer[]> {
  return [
    ...merkleAnswers(data.merkle),
    ...signedNoteAnswers(),
    ...signatureAnswers(),
    ...(await oprfAnswers(data.oprf)),
  ];
}
