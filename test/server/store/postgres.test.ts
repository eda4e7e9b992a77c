import { TestDatabases } from "../../peers/postgres";
import { storeSuite } from "./store-suite";

const databases = new TestDatabases();

storeSuite({
  name: "PostgreSQL",
  setUp: () => databases.fresh(),
  tearDown: () => databases.dropAll(),
});
