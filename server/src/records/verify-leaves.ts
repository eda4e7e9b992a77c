import type { Checkpoint } from "@telecal/protocols";
import type { Kysely } from "kysely";
import { leavesOf } from "./checkpoint-text";
import { Frontier } from "./merkle";
import type { RecordsSchema, RecordsTable } from "./schema";

/** A record whose leaf is not the one a checkpoint signed. */
export interface ChangedRecord {
  id: number;
  kind: string;
  stream: string;
  seq: number;
  reason: string;
}

/**
 * The leaves that version 2 checkpoints keep, to name a record that a swap or a recomputed chain
 * changed (the roots alone say only that something in 1..treeSize changed). A kept leaf is not
 * signed: it is believed only when the tree of kept leaves (recomputed ones where none is kept)
 * gives the checkpoint's signed root, which a forger without the key cannot arrange.
 */
export class SignedLeaves {
  private readonly kept = new Frontier();
  private cpIndex = 0;
  private range: { size: number; leaves: Buffer[] } | null = null;
  private differing: ChangedRecord[] = [];

  constructor(
    private readonly db: Kysely<RecordsSchema>,
    private readonly checkpoints: readonly Checkpoint[],
    /** False for a database from before migration 0013 (verify does not migrate). */
    private readonly hasLeaves: boolean,
  ) {}

  /** Takes record `r` (the next id) with the leaf recomputed from its fields. */
  async visit(r: RecordsTable, leaf: Buffer): Promise<void> {
    while (this.cpIndex < this.checkpoints.length && this.checkpoints[this.cpIndex]!.treeSize < r.id) this.cpIndex++;
    const cp = this.checkpoints[this.cpIndex];
    if (cp && this.range?.size !== cp.treeSize) {
      // One row at a time: all the kept leaves at once would hold 32 bytes of every record in memory.
      const row = this.hasLeaves ? await this.db.selectFrom("record_checkpoints").select("leaves").where("tree_size", "=", cp.treeSize).executeTakeFirst() : undefined;
      this.range = { size: cp.treeSize, leaves: row ? leavesOf(row) : [] };
    }
    const leaves = this.range?.leaves ?? [];
    const stored = cp ? leaves[leaves.length - 1 - (cp.treeSize - r.id)] : undefined;
    if (stored && !stored.equals(leaf)) {
      this.differing.push({ id: r.id, kind: r.kind, stream: r.stream, seq: r.seq, reason: `its leaf is not the one checkpoint ${cp!.treeSize} signed: the record was changed, moved or rewritten with its chain recomputed` });
    }
    this.kept.add(stored ?? leaf);
  }

  /** At checkpoint `cp` (the tree is at its size): the records it proves changed, first first. */
  at(cp: Checkpoint): ChangedRecord[] {
    const proven = this.kept.root().toString("hex") === cp.rootHash;
    const found = proven ? this.differing : [];
    this.differing = [];
    return found;
  }
}
