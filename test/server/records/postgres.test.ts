import { TestDatabases } from "../../peers/postgres";
import { recordsSuite } from "./records-suite";

const databases = new TestDatabases();

recordsSuite({
  name: "PostgreSQL",
  sharedByProcesses: true,
  fresh: () => databases.fresh(),
  tearDown: () => databases.dropAll(),
});
