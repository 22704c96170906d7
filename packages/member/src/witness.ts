import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { decodeBase64url } from '@credence/core/encoding/base64url';
import { cosign, type parseCheckpoint, verifyCheckpoint } from '@credence/core/log/checkpoint';
import { consistent } from '@credence/core/log/receipt';
import { formatVerifierKey, type NoteSigner, parseNote } from '@credence/core/log/signed-note';
import { fetchConsistencyProof } from './log-monitor.js';
import { MemberError } from './member-error.js';
import { type PlatformEndpoint, platformRequest } from './platform-client.js';

/**
 * A witness (C2SP tlog-cosignature, SPEC §3.4): it cosigns a checkpoint of the log only
 * after checking that it extends the last checkpoint it cosigned, so a log that shows one
 * history to some members and another to others cannot get both cosigned by the same
 * witness. Members that require k witnesses then refuse any checkpoint off the history
 * the witnesses saw. Its state — the size and root it last cosigned — is one small file,
 * written atomically; losing it would let the witness be led onto a fork, so keep it.
 */

export interface WitnessOptions {
  readonly log: PlatformEndpoint;
  /** The log's verifier key (vkey, type 0x01). */
  readonly logKey: string;
  readonly signer: NoteSigner;
  readonly stateFile: string;
  readonly now?: () => number;
}

export interface WitnessStep {
  readonly size: number;
  /** Whether this step cosigned a checkpoint new to the witness. */
  readonly cosigned: boolean;
}

interface WitnessState {
  readonly size: number;
  readonly root: string;
}

export class Witness {
  constructor(private readonly options: WitnessOptions) {}

  /** The witness's own verifier key (type 0x04): what the log and members configure. */
  get vkey(): string {
    return formatVerifierKey(this.options.signer.name, this.options.signer.publicKey, 0x04);
  }

  private state(): WitnessState | undefined {
    if (!existsSync(this.options.stateFile)) return undefined;
    return JSON.parse(readFileSync(this.options.stateFile, 'utf8')) as WitnessState;
  }

  /** Durably: written, synced and renamed into place before anything is signed. */
  private save(state: WitnessState): void {
    mkdirSync(dirname(this.options.stateFile), { recursive: true });
    const temporary = `${this.options.stateFile}.tmp`;
    const fd = openSync(temporary, 'w');
    try {
      writeSync(fd, `${JSON.stringify(state)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, this.options.stateFile);
  }

  /** Fetches the newest checkpoint, checks it, cosigns it if it is new, and hands it in. */
  async step(): Promise<WitnessStep> {
    const note = await platformRequest<string>(
      this.options.log,
      'GET',
      '/v1/log/checkpoint',
      undefined,
      { text: true },
    );
    let checkpoint: ReturnType<typeof parseCheckpoint>;
    try {
      checkpoint = verifyCheckpoint(note, { logKey: this.options.logKey }).checkpoint;
    } catch (error) {
      throw new MemberError('member.log_checkpoint', (error as Error).message, {}, error);
    }
    const last = this.state();
    if (last !== undefined) {
      const seen = { size: last.size, rootHash: decodeBase64url(last.root) ?? new Uint8Array() };
      const proof = await fetchConsistencyProof(this.options.log, seen.size, checkpoint.size);
      if (!consistent(seen, checkpoint, proof))
        throw new MemberError(
          'member.log_fork',
          `the log's checkpoint of size ${checkpoint.size} does not extend the one of size ${seen.size} this witness cosigned: refusing to cosign`,
          { size: checkpoint.size, against: seen.size },
        );
      if (checkpoint.size === seen.size && this.cosignedBy(note))
        return { size: checkpoint.size, cosigned: false };
    }
    // The state moves to this checkpoint before it is signed: whatever happens to the
    // cosignature on its way, this witness never signs anything that does not extend it.
    this.save({
      size: checkpoint.size,
      root: Buffer.from(checkpoint.rootHash).toString('base64url'),
    });
    const body = parseNote(note).text;
    const line = cosign(
      body,
      this.options.signer,
      Math.floor((this.options.now ?? Date.now)() / 1000),
    );
    await platformRequest(this.options.log, 'POST', '/v1/log/cosignatures', {
      size: checkpoint.size,
      cosignature: line,
    });
    return { size: checkpoint.size, cosigned: true };
  }

  private cosignedBy(note: string): boolean {
    return parseNote(note).signatures.some((s) => s.name === this.options.signer.name);
  }
}
