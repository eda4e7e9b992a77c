import { resolve } from "node:path";
import { OrganisationKind, Role, ROLES } from "@telecal/protocols";
import { databaseUrlFor, Store } from "@telecal/server";
import type { Command } from "commander";

interface UserAddOptions {
  role?: string;
  admin?: boolean;
  name?: string;
  organisation: string;
  organisationName?: string;
  kind: string;
  parent?: string;
  dataDir: string;
  database?: string;
}

function fail(message: string, command = "add"): never {
  process.stderr.write(`telecal user ${command}: ${message}\n`);
  process.exit(2);
}

/** The password: TELECAL_PASSWORD if set, else the first line of stdin (so it stays out of `ps` and history). */
async function readPassword(): Promise<string> {
  const env = process.env["TELECAL_PASSWORD"];
  if (env) return env;
  if (process.stdin.isTTY) process.stderr.write("password / 密码: ");
  let text = "";
  for await (const chunk of process.stdin) {
    text += String(chunk);
    if (text.includes("\n")) break;
  }
  return text.split(/\r?\n/)[0] ?? "";
}

/**
 * `telecal user add NAME --admin`: how the first admin of a server comes to be (the server itself
 * creates no users); later users can be added the same way or by an admin through POST /api/users.
 */
export function userCommand(program: Command): void {
  const user = program.command("user").description("manage users / 用户管理");
  passwdCommand(user);
  user
    .command("add")
    .description("add a user, e.g. the first admin: echo PASSWORD | telecal user add alice --admin")
    .argument("<username>")
    .option("--role <role>", `one of ${ROLES.join(", ")}`)
    .option("--admin", "shorthand for --role admin")
    .option("--name <display name>", "display name (default: the username)")
    .option("--organisation <id>", "organisation id (created if new)", "main")
    .option("--organisation-name <name>", "name of a new organisation (default: its id)")
    .option("--kind <kind>", "kind of a new organisation: provincial-institute, city-station or county-station", "provincial-institute")
    .option("--parent <id>", "for a new organisation: the organisation that supervises it (its users may read this one's registry)")
    .option("--data-dir <dir>", "the server's data dir (SQLite telecal.db)", "./data")
    .option("--database <url>", "postgres://... instead (default: DATABASE_URL)")
    .action(async (username: string, opts: UserAddOptions) => {
      const role = Role.safeParse(opts.admin ? "admin" : opts.role);
      if (!role.success) return fail(`--role must be one of ${ROLES.join(", ")} (or --admin)`);
      const kind = OrganisationKind.safeParse(opts.kind);
      if (!kind.success) return fail("--kind must be provincial-institute, city-station or county-station");
      const password = await readPassword();
      if (password.length < 8) fail("the password needs at least 8 characters");
      const databaseUrl = opts.database ?? (process.env["DATABASE_URL"] || undefined);
      const store = await Store.open(databaseUrlFor({ dataDir: resolve(opts.dataDir), databaseUrl }));
      try {
        await store.auth.createOrganisation(opts.organisation, opts.organisationName ?? opts.organisation, kind.data, opts.parent ?? null);
        const user = await store.auth.createUser({
          organisationId: opts.organisation,
          username,
          displayName: opts.name ?? username,
          role: role.data,
          password,
        });
        process.stdout.write(`user ${user.username} (${user.role}) added to ${user.organisation.id} in ${store.where}\n`);
      } finally {
        await store.close();
      }
    });
}

interface PasswdOptions {
  dataDir: string;
  database?: string;
}

/** `telecal user passwd NAME`: a new password (stdin or TELECAL_PASSWORD); the user's sessions end. */
function passwdCommand(user: Command): void {
  user
    .command("passwd")
    .description("set a user's password and sign them out everywhere: echo PASSWORD | telecal user passwd alice")
    .argument("<username>")
    .option("--data-dir <dir>", "the server's data dir (SQLite telecal.db)", "./data")
    .option("--database <url>", "postgres://... instead (default: DATABASE_URL)")
    .action(async (username: string, opts: PasswdOptions) => {
      const password = await readPassword();
      if (password.length < 8) fail("the password needs at least 8 characters", "passwd");
      const databaseUrl = opts.database ?? (process.env["DATABASE_URL"] || undefined);
      const store = await Store.open(databaseUrlFor({ dataDir: resolve(opts.dataDir), databaseUrl }));
      try {
        if (!(await store.auth.setPassword(username, password))) fail(`no user ${username} in ${store.where}`, "passwd");
        process.stdout.write(`password of ${username} set in ${store.where}; their sessions are ended\n`);
      } finally {
        await store.close();
      }
    });
}
