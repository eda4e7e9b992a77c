import { type MediaTicketSfu, TelecalError } from "@telecal/protocols";
import { startServer, type TelecalServer } from "@telecal/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { login, seedUsers } from "../../fakes/auth";
import { JanusParticipant, videoRoomError } from "../../fakes/janus-participant";
import { type Janus, startJanus } from "../../peers/janus";

const ticketOf = async (server: TelecalServer, token: string, room: string) =>
  server.app.inject({ method: "POST", url: `/api/media/rooms/${room}/ticket`, headers: { authorization: `Bearer ${token}` } });

/** A lesson's check as a course would pass it: the trainer sends, enrolled trainees watch, nobody else enters. */
const lessonCheck = (enrolled: Set<string>) => (user: { username: string; role: string }) =>
  user.role === "trainer" ? ("publisher" as const) : enrolled.has(user.username) ? ("subscriber" as const) : null;

describe("media rooms without Janus", () => {
  let server: TelecalServer;
  let tokens: Record<string, string>;
  beforeAll(async () => {
    server = await startServer({ host: "127.0.0.1", port: 0, logger: false, webRoot: null });
    await seedUsers(server);
    tokens = { trainer: await login(server, "trainer"), trainee: await login(server, "trainee"), expert: await login(server, "expert") };
    server.media.open("lesson-1", lessonCheck(new Set(["trainee"])));
  });
  afterAll(async () => {
    await server?.close();
  });

  it("tells an allowed person that video falls back to the mesh, for 4 people at most", async () => {
    const res = await ticketOf(server, tokens["trainee"]!, "lesson-1");
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ mode: "mesh", maxPeople: 4 });
    expect(server.media.sfu).toBe(false);
  });

  it("refuses whom the room's check refuses, an unknown room, and an anonymous caller", async () => {
    const refused = await ticketOf(server, tokens["expert"]!, "lesson-1");
    expect([refused.statusCode, refused.json<{ code: string }>().code]).toEqual([403, "TC_ERR_MEDIA_REFUSED"]);
    const unknown = await ticketOf(server, tokens["trainee"]!, "lesson-2");
    expect([unknown.statusCode, unknown.json<{ code: string }>().code]).toEqual([404, "TC_ERR_MEDIA_NO_ROOM"]);
    const anonymous = await server.app.inject({ method: "POST", url: "/api/media/rooms/lesson-1/ticket" });
    expect(anonymous.statusCode).toBe(401);
    const bad = await ticketOf(server, tokens["trainee"]!, "lesson%201");
    expect([bad.statusCode, bad.json<{ code: string }>().code]).toEqual([400, "TC_ERR_VALIDATION"]);
  });

  it("refuses Janus settings that cannot work, at start", async () => {
    await expect(startServer({ port: 0, logger: false, webRoot: null, janus: { url: "ws://127.0.0.1:8188", roomAdminKey: "k" } })).rejects.toThrow(TelecalError);
    await expect(startServer({ port: 0, logger: false, webRoot: null, janus: { url: "http://127.0.0.1:8088/janus", roomAdminKey: "" } })).rejects.toThrow(/TELECAL_JANUS_ROOM_KEY/);
  });
});

describe("media rooms through Janus", () => {
  let janus: Janus;
  let server: TelecalServer;
  let tokens: Record<string, string>;
  beforeAll(async () => {
    janus = await startJanus();
    // A guard slower than the test: it runs when the test calls guardAll().
    server = await startServer({ host: "127.0.0.1", port: 0, logger: false, webRoot: null, janus: { url: janus.url, roomAdminKey: janus.roomAdminKey, guardMs: 600_000 } });
    await seedUsers(server);
    tokens = { trainer: await login(server, "trainer"), trainee: await login(server, "trainee"), expert: await login(server, "expert") };
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await janus?.stop();
  });

  const ticket = async (who: string, room: string) => {
    const res = await ticketOf(server, tokens[who]!, room);
    if (res.statusCode !== 200) throw new Error(`ticket of ${who}: ${res.statusCode} ${res.body}`);
    return res.json<MediaTicketSfu>();
  };

  it("lets a ticket's holder join with its token and id; Janus refuses no token and a wrong one", async () => {
    server.media.open("lesson-a", lessonCheck(new Set(["trainee"])));
    const trainer = await ticket("trainer", "lesson-a");
    const trainee = await ticket("trainee", "lesson-a");
    expect([trainer.mode, trainer.role, trainee.role, trainee.room]).toEqual(["sfu", "publisher", "subscriber", trainer.room]);
    expect(trainee.janusUrl).toBe(janus.url);
    expect(trainee.token).not.toBe(trainer.token);

    const person = await JanusParticipant.attach(janus.url);
    const joined = await person.join(trainee.room, { token: trainee.token, id: trainee.feedId, display: trainee.display });
    expect(joined.plugindata?.data.videoroom).toBe("joined");
    expect(joined.plugindata?.data["id"]).toBe(trainee.feedId);

    const stranger = await JanusParticipant.attach(janus.url);
    expect(videoRoomError(await stranger.join(trainee.room, {}))).toBe(433);
    expect(videoRoomError(await stranger.join(trainee.room, { token: "guessed" }))).toBe(433);
    const refused = await ticketOf(server, tokens["expert"]!, "lesson-a");
    expect(refused.statusCode).toBe(403);
    await person.destroy();
    await stranger.destroy();
  });

  it("takes a leaver's token out of the allowed list and kicks them; the guard kicks a participant it did not admit", async () => {
    server.media.open("lesson-b", lessonCheck(new Set(["trainee"])));
    const trainee = await ticket("trainee", "lesson-b");
    const person = await JanusParticipant.attach(janus.url);
    expect(videoRoomError(await person.join(trainee.room, { token: trainee.token, id: trainee.feedId }))).toBe(0);
    // The same token under an id the server never issued: in, until the guard looks.
    const impostor = await JanusParticipant.attach(janus.url);
    expect(videoRoomError(await impostor.join(trainee.room, { token: trainee.token, id: 4242 }))).toBe(0);
    expect((await person.participants(trainee.room)).map((p) => p.id).sort()).toEqual([4242, trainee.feedId].sort());
    expect(await server.media.guardAll()).toEqual([4242]);
    expect((await person.participants(trainee.room)).map((p) => p.id)).toEqual([trainee.feedId]);

    const left = await server.app.inject({ method: "DELETE", url: "/api/media/rooms/lesson-b/ticket", headers: { authorization: `Bearer ${tokens["trainee"]}` } });
    expect(left.statusCode).toBe(200);
    expect(await person.participants(trainee.room)).toEqual([]);
    const again = await JanusParticipant.attach(janus.url);
    expect(videoRoomError(await again.join(trainee.room, { token: trainee.token, id: trainee.feedId }))).toBe(433);
    for (const p of [person, impostor, again]) await p.destroy();
  });

  it("gives back one ticket of several (a tab closing): only its participant is kicked", async () => {
    server.media.open("lesson-f", lessonCheck(new Set(["trainee"])));
    const tabs = [await ticket("trainee", "lesson-f"), await ticket("trainee", "lesson-f")];
    const people = [await JanusParticipant.attach(janus.url), await JanusParticipant.attach(janus.url)];
    for (const [i, t] of tabs.entries()) expect(videoRoomError(await people[i]!.join(t.room, { token: t.token, id: t.feedId }))).toBe(0);
    const left = await server.app.inject({ method: "DELETE", url: `/api/media/rooms/lesson-f/ticket?feed=${tabs[0]!.feedId}`, headers: { authorization: `Bearer ${tokens["trainee"]}` } });
    expect(left.statusCode).toBe(200);
    expect((await people[1]!.participants(tabs[1]!.room)).map((p) => p.id)).toEqual([tabs[1]!.feedId]);
    for (const p of people) await p.destroy();
  });

  it("makes the room again, with every current token, after Janus restarted", async () => {
    server.media.open("lesson-c", lessonCheck(new Set(["trainee"])));
    const trainer = await ticket("trainer", "lesson-c");
    await janus.restart();
    const trainee = await ticket("trainee", "lesson-c");
    expect(trainee.room).toBe(trainer.room);
    // The trainer's ticket from before the restart still lets them in, as does the trainee's new one.
    for (const t of [trainer, trainee]) {
      const person = await JanusParticipant.attach(janus.url);
      expect(videoRoomError(await person.join(t.room, { token: t.token, id: t.feedId }))).toBe(0);
      await person.destroy();
    }
  });

  it("brings a trainee on stage: their next ticket is a publisher's; re-binding the room keeps its tickets", async () => {
    server.media.open("lesson-e", lessonCheck(new Set(["trainee"])));
    const before = await ticket("trainee", "lesson-e");
    expect(before.role).toBe("subscriber");
    const userId = (await server.auth.session(tokens["trainee"], "test")).user.id;
    server.media.setStage("lesson-e", userId);
    expect((await ticket("trainee", "lesson-e")).role).toBe("publisher");
    server.media.setStage("lesson-e", null);
    // The lesson binds its room again (a new check): the ticket already out still lets its holder in.
    server.media.open("lesson-e", lessonCheck(new Set()));
    const person = await JanusParticipant.attach(janus.url);
    expect(videoRoomError(await person.join(before.room, { token: before.token, id: before.feedId }))).toBe(0);
    await person.destroy();
    const refused = await ticketOf(server, tokens["trainee"]!, "lesson-e");
    expect(refused.statusCode).toBe(403);
  });

  it("destroys a closed lesson's room in Janus", async () => {
    server.media.open("lesson-d", lessonCheck(new Set(["trainee"])));
    const trainee = await ticket("trainee", "lesson-d");
    await server.media.close("lesson-d");
    const person = await JanusParticipant.attach(janus.url);
    expect(videoRoomError(await person.join(trainee.room, { token: trainee.token, id: trainee.feedId }))).toBe(426);
    await person.destroy();
    const res = await ticketOf(server, tokens["trainee"]!, "lesson-d");
    expect(res.statusCode).toBe(404);
  });
});
