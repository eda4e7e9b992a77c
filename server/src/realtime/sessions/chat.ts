import { type ChatMessage, type SessionRecord, TelecalError } from "@telecal/protocols";

/** A chat record of the log as participants get it. */
export function chatMessage(jobId: string, record: SessionRecord): ChatMessage {
  const event = record.payload;
  if (event.event !== "chat") throw new TelecalError("TC_ERR_INTERNAL", { reason: `record ${record.id} is not a chat message` });
  return { id: record.id, jobId, from: event.user, text: event.text, at: record.at };
}
