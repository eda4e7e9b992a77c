import { COMMAND_ROLES, type InstrumentCommand, type Lease, type Reply, type SessionInstrument, type SessionState } from "@telecal/protocols";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { useSessionSnapshot, useSessionStore } from "./context";
import type { SessionStore } from "./session-store";


/** What became of the person's last request on this instrument, as the page shows it. */
type Outcome = { ok: true; what: string } | { ok: false; what: string; code: string; message: string } | null;

/**
 * Control of the bench: for each instrument of the job, who holds it and who asked; the technician at
 * the bench (or the lab's admin) grants and revokes; the holder gets the instrument's controls, set
 * points within the job's output envelope and operate / standby.
 */
export function ControlPanel({ mayGrant, nameOf }: { mayGrant: boolean; nameOf: (instrument: SessionInstrument) => string }) {
  const { t } = useTranslation();
  const store = useSessionStore();
  const { state } = useSessionSnapshot();
  if (!store || !state) return null;
  const controllable = state.instruments.filter((i) => i.envelope.length > 0);
  return (
    <section className="panel session-control" aria-labelledby="control-heading" data-testid="control">
      <h2 id="control-heading">{t("control.heading")}</h2>
      {controllable.length === 0 && <p className="muted">{t("control.none")}</p>}
      {controllable.map((instrument) => {
        const lease = state.leases.find((l) => l.instrumentId === instrument.instrumentId);
        return lease ? <LeaseRow key={instrument.instrumentId} store={store} state={state} instrument={instrument} lease={lease} mayGrant={mayGrant} name={nameOf(instrument)} /> : null;
      })}
    </section>
  );
}

function LeaseRow({ store, state, instrument, lease, mayGrant, name }: { store: SessionStore; state: SessionState; instrument: SessionInstrument; lease: Lease; mayGrant: boolean; name: string }) {
  const { t } = useTranslation();
  const [outcome, setOutcome] = useState<Outcome>(null);
  const id = instrument.instrumentId;
  const you = state.you;
  const holding = lease.holder?.userId === you.userId;
  const asked = lease.requests.some((r) => r.userId === you.userId);
  const mayCommand = COMMAND_ROLES.has(you.role);
  // Those the technician may hand control to: others here now, of a role that may command (the
  // technician has the bench itself; revoking gives control back to it).
  const candidates = state.participants.filter((p) => p.connected && COMMAND_ROLES.has(p.role) && p.userId !== lease.holder?.userId && p.userId !== you.userId);
  const requested = new Set(lease.requests.map((r) => r.userId));
  const act = async (what: string, request: Promise<Reply<object>>) => {
    const reply = await request;
    setOutcome(reply.ok ? { ok: true, what } : { ok: false, what, code: reply.error.code, message: reply.error.message });
  };
  return (
    <article className="lease" data-testid={`lease-${id}`} data-holder={lease.holder?.username ?? ""} data-epoch={lease.epoch}>
      <h3 className="card-title">{name}</h3>
      <p>
        {lease.holder ? t("control.heldBy", { name: lease.holder.displayName, role: t(`role.${lease.holder.role}`) }) : t("control.atBench")}{" "}
        <span className="muted">{t("control.epoch", { epoch: lease.epoch })}</span>
      </p>
      {lease.requests.length > 0 && (
        <p className="warning" data-testid={`lease-requests-${id}`}>
          {t("control.asking", { names: lease.requests.map((r) => r.displayName).join("、") })}
        </p>
      )}
      <div className="lease-actions">
        {mayCommand && !mayGrant && !holding && !asked && (
          <button type="button" data-testid={`lease-request-${id}`} onClick={() => void act("request", store.requestLease(id))}>
            {t("control.request")}
          </button>
        )}
        {holding && (
          <button type="button" data-testid={`lease-release-${id}`} onClick={() => void act("release", store.releaseLease(id))}>
            {t("control.release")}
          </button>
        )}
        {mayGrant &&
          candidates.map((p) => (
            <button
              type="button"
              key={p.userId}
              className={requested.has(p.userId) ? "primary" : ""}
              data-testid={`lease-grant-${id}-${p.username}`}
              onClick={() => void act("grant", store.grantLease(id, p.userId))}
            >
              {t("control.grantTo", { name: p.displayName })}
            </button>
          ))}
        {mayGrant && lease.holder && (
          <button type="button" className="danger" data-testid={`lease-revoke-${id}`} onClick={() => void act("revoke", store.revokeLease(id))}>
            {t("control.revoke")}
          </button>
        )}
      </div>
      {holding && <InstrumentControls instrument={instrument} onCommand={(what, command) => act(what, store.command(id, lease.epoch, command))} />}
      {outcome && (
        <p className={outcome.ok ? "muted" : "error"} data-testid={`control-result-${id}`} data-ok={outcome.ok} data-code={outcome.ok ? "" : outcome.code}>
          {outcome.ok ? t("control.done", { what: t(`control.what.${outcome.what}`) }) : t("control.refused", { what: t(`control.what.${outcome.what}`), code: outcome.code, message: outcome.message })}
        </p>
      )}
    </article>
  );
}

/** A source's controls: a set point in one of the envelope's units, kept within it, and operate / standby. */
function InstrumentControls({ instrument, onCommand }: { instrument: SessionInstrument; onCommand: (what: string, command: InstrumentCommand) => Promise<void> }) {
  const { t } = useTranslation();
  const [unit, setUnit] = useState(instrument.envelope[0]!.unit);
  const [value, setValue] = useState("");
  const envelope = instrument.envelope.find((e) => e.unit === unit) ?? instrument.envelope[0]!;
  const number = Number(value);
  const inside = value.trim() !== "" && Number.isFinite(number) && number >= envelope.min && number <= envelope.max;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (inside) void onCommand("set", { kind: "set", value: number, unit: envelope.unit });
  };
  const id = instrument.instrumentId;
  return (
    <form className="instrument-controls" data-testid={`controls-${id}`} onSubmit={submit}>
      <label>
        {t("control.setpoint")}{" "}
        <input
          type="number"
          step="any"
          inputMode="decimal"
          min={envelope.min}
          max={envelope.max}
          value={value}
          data-testid={`control-value-${id}`}
          aria-invalid={value.trim() !== "" && !inside}
          onChange={(e) => setValue(e.target.value)}
        />
      </label>{" "}
      <select value={envelope.unit} data-testid={`control-unit-${id}`} aria-label={t("control.unit")} onChange={(e) => setUnit(e.target.value)}>
        {instrument.envelope.map((e) => (
          <option key={e.unit} value={e.unit}>
            {e.unit}
          </option>
        ))}
      </select>{" "}
      <button type="submit" className="primary" disabled={!inside} data-testid={`control-set-${id}`}>
        {t("control.set")}
      </button>{" "}
      <button type="button" data-testid={`control-oper-${id}`} onClick={() => void onCommand("oper", { kind: "output", on: true })}>
        OPER {t("control.operate")}
      </button>{" "}
      <button type="button" data-testid={`control-stby-${id}`} onClick={() => void onCommand("stby", { kind: "output", on: false })}>
        STBY {t("control.standby")}
      </button>
      <p className="muted">{t("control.envelope", { min: envelope.min, max: envelope.max, unit: envelope.unit })}</p>
    </form>
  );
}
