import { TestDatabases } from "../../peers/postgres";
import { registrySuite } from "./registry-suite";

const databases = new TestDatabases();

registrySuite({
  name: "PostgreSQL",
  setUp: () => databases.fresh(),
  tearDown: () => databases.dropAll(),
});
