import { TestDatabases } from "../../peers/postgres";
import { witnessSuite } from "./witness-suite";

const databases = new TestDatabases();

witnessSuite({
  name: "PostgreSQL",
  fresh: () => databases.fresh(),
  tearDown: () => databases.dropAll(),
});
