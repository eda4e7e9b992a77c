import { type AgentHello, isTelecalError, type StreamRegressionPayload, TelecalError } from "@telecal/protocols";
import type { Kysely } from "kysely";
import { AuthRepository } from "../auth/auth-repository";
import { RecordLog } from "../records/log";
import { recordsDb } from "../records/schema";
import { AgentInstrumentsRepository } from "./agent-instruments-repository";
import { AgentsRepository } from "./agents-repository";
import { type DialectName, openDatabase } from "./db";
import { GapsRepository } from "./gaps-repository";
import { migrate } from "./migrate";
import { recordRegressions } from "./regressions";
import { ReadingsRepository, type ReadingsRepositoryOptions } from "./readings-repository";
import { StreamsRepository } from "./streams-repository";
import type { Schema } from "./schema";

export interface StoreOptions {
  readings?: ReadingsRepositoryOptions;
}

/** The server's database: one schema on SQLite or PostgreSQL, migrated when opened. */
export class Store {
  readonly agents: AgentsRepository;
  readonly streams: StreamsRepository;
  readonly readings: ReadingsRepository;
  /** Readings agents could not keep (gap records). */
  readonly gaps: GapsRepository;
  /** The append-only record log (records/). */
  readonly records: RecordLog;
  readonly auth: AuthRepository;

  private constructor(
    readonly db: Kysely<Schema>,
    readonly dialect: DialectName,
    /** The URL without its password. */
    readonly where: string,
    /** Migrations applied when this store was opened. */
    readonly migrated: readonly string[],
    options: StoreOptions,
  ) {
    this.agents = new AgentsRepository(db);
    this.streams = new StreamsRepository(db);
    this.readings = new ReadingsRepository(db, dialect, options.readings);
    this.gaps = new GapsRepository(db, dialect);
    this.records = new RecordLog(recordsDb(db), dialect);
    this.auth = new AuthRepository(db);
  }

  /** Opens `postgres://...` or `sqlite:FILE` and runs the migrations not yet applied. */
  static async open(url: string, options: StoreOptions = {}): Promise<Store> {
    const { db, dialect, where } = openDatabase(url);
    try {
      const migrated = await migrate(db, where);
      return new Store(db, dialect, where, migrated, options);
    } catch (err) {
      await db.destroy().catch(() => undefined);
      throw err;
    }
  }

  /** Records a hello in one transaction and answers the acked seq of each stream it announces. */
  async announce(hello: AgentHello, now = Date.now()): Promise<Record<string, number>> {
    return (await this.announceHello(hello, now)).acked;
  }

  /**
   * As `announce`, and in the same transaction a `stream-regression` alarm for each stream the
   * agent saw acknowledged further than the store holds (regressions.ts); answers both.
   */
  async announceHello(hello: AgentHello, now = Date.now()): Promise<{ acked: Record<string, number>; regressions: StreamRegressionPayload[] }> {
    try {
      return await this.db.transaction().execute(async (trx) => {
        await new AgentsRepository(trx).seen(hello.agentId, hello.name, now);
        const streams = new StreamsRepository(trx);
        await streams.register(hello.agentId, hello.instruments);
        await new AgentInstrumentsRepository(trx).announce(hello.agentId, hello.instruments, now);
        const held = await streams.ackedSeqs(hello.agentId);
        const announced = hello.instruments.flatMap((i) => i.streams.map((s) => s.id));
        const acked: Record<string, number> = Object.fromEntries(announced.map((id) => [id, held[id] ?? -1]));
        const regressions = hello.acked ? await recordRegressions(trx, this.dialect, hello.agentId, hello.acked, acked, now) : [];
        return { acked, regressions };
      });
    } catch (err) {
      if (isTelecalError(err)) throw err;
      throw new TelecalError("TC_ERR_STORE_FAILED", { what: `hello of agent ${hello.agentId}` }, { cause: err });
    }
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}
